package io.wechatopen.camel.sandbox;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One API request the sandbox received, as recorded for tests.
 *
 * @param api the API name, e.g. {@code api_component_token}
 * @param time when it arrived
 * @param query the raw query string, or {@code null}
 * @param body the parsed JSON body (maps, lists, strings, numbers, booleans), or the raw text when it was not JSON,
 *        or {@code null} when empty
 */
public record SandboxRequest(String api, Instant time, String query, Object body) {

    /**
     * A top-level text field of a JSON object body.
     *
     * @return the field's value as text, or {@code null} when the body is no object or lacks the field
     */
    public String field(String name) {
        if (body instanceof Map<?, ?> map && map.get(name) != null) {
            return String.valueOf(map.get(name));
        }
        return null;
    }

    /**
     * The request as the state view shows it: top-level body fields whose name contains {@code secret} are
     * replaced by {@code "***"}, so the view never shows the platform secret.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("api", api);
        map.put("time", time.toString());
        map.put("query", query);
        map.put("body", redacted(body));
        return map;
    }

    private static Object redacted(Object body) {
        if (!(body instanceof Map<?, ?> fields)) {
            return body;
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        fields.forEach((k, v) -> copy.put(String.valueOf(k),
                String.valueOf(k).toLowerCase(Locale.ROOT).contains("secret") && v != null ? "***" : v));
        return copy;
    }
}
