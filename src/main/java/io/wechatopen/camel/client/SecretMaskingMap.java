package io.wechatopen.camel.client;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A WeChat answer handed to a caller's route as its body: an ordinary map (Jackson writes it as it is), whose
 * {@link #toString()} shows the secret fields as {@code ***}. Camel's tracer, message history and error-handler log
 * lines print a body through {@code toString()}, so a session key or OAuth token in it cannot reach a log that way.
 */
public final class SecretMaskingMap extends LinkedHashMap<String, Object> {

    private static final long serialVersionUID = 1L;

    private final Set<String> secretFields;

    /**
     * @param values the answer's fields
     * @param secretFields the names of the fields to mask in {@link #toString()}
     */
    public SecretMaskingMap(Map<String, ?> values, Set<String> secretFields) {
        super(values);
        this.secretFields = Set.copyOf(secretFields);
    }

    @Override
    public String toString() {
        return entrySet().stream()
                .map(e -> e.getKey() + "=" + (secretFields.contains(e.getKey()) && e.getValue() != null ? "***"
                        : e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
    }

    @Override
    public boolean equals(Object other) {
        return super.equals(other);
    }

    @Override
    public int hashCode() {
        return super.hashCode();
    }
}
