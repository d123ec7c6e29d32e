package io.wechatopen.camel.sandbox;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters of a raw query string or an {@code application/x-www-form-urlencoded} body, decoded as UTF-8. A
 * parameter may repeat (checkboxes).
 */
final class SandboxForm {

    private final Map<String, List<String>> values;

    private SandboxForm(Map<String, List<String>> values) {
        this.values = values;
    }

    /**
     * @param encoded {@code a=1&b=x%40y}, or {@code null} for none
     * @throws IllegalArgumentException when a {@code %} escape is broken
     */
    static SandboxForm parse(String encoded) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        if (encoded != null && !encoded.isEmpty()) {
            for (String pair : encoded.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            }
        }
        return new SandboxForm(values);
    }

    /** The first value of {@code name}, or {@code null} when absent or empty. */
    String first(String name) {
        List<String> list = values.get(name);
        return list == null || list.get(0).isEmpty() ? null : list.get(0);
    }

    /** Every value of {@code name}, in order; empty when absent. */
    List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}
