package io.wechatopen.camel.config;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Typed reading of {@code wechat.*} keys from any lookup (Camel's properties component under Camel Main, the
 * ConfigAdmin dictionary in Karaf). Required keys fail with a message that names the key and {@code origin}.
 */
public final class SettingsSource {

    private final Function<String, Optional<String>> lookup;
    private final String origin;

    /**
     * @param lookup returns the value of a key, or empty when unset
     * @param origin where an operator sets keys, for error messages (e.g. {@code config/application.properties})
     */
    public SettingsSource(Function<String, Optional<String>> lookup, String origin) {
        this.lookup = lookup;
        this.origin = origin;
    }

    /** The value, or empty when unset or blank. */
    public Optional<String> optional(String key) {
        return lookup.apply(key).map(String::trim).filter(v -> !v.isEmpty());
    }

    /** @throws ConfigurationException when unset or blank */
    public String required(String key) {
        return optional(key).orElseThrow(() -> new ConfigurationException(
                "Missing required setting {{" + key + "}}: set it in " + origin
                        + " or as environment variable " + environmentName(key)));
    }

    public String string(String key, String defaultValue) {
        return optional(key).orElse(defaultValue);
    }

    /** @throws ConfigurationException when set but not an integer */
    public int integer(String key, int defaultValue) {
        return optional(key).map(v -> {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw invalid(key, "a whole number");
            }
        }).orElse(defaultValue);
    }

    public boolean bool(String key, boolean defaultValue) {
        return optional(key).map(Boolean::parseBoolean).orElse(defaultValue);
    }

    /** @throws ConfigurationException when set but not a duration, see {@link Durations} */
    public Duration duration(String key, Duration defaultValue) {
        return optional(key).map(v -> {
            try {
                return Durations.parse(v);
            } catch (IllegalArgumentException e) {
                throw invalid(key, "a duration such as 30s, 10m or 12h");
            }
        }).orElse(defaultValue);
    }

    /** An error for a key whose value is unusable; the value itself is not repeated (it may be a secret). */
    public ConfigurationException invalid(String key, String expected) {
        return new ConfigurationException("Invalid setting {{" + key + "}} in " + origin + ": expected " + expected);
    }

    /** Camel's environment-variable form of a key: {@code wechat.component.appid -> WECHAT_COMPONENT_APPID}. */
    public static String environmentName(String key) {
        return key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
