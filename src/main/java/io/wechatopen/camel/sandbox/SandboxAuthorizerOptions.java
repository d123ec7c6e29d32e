package io.wechatopen.camel.sandbox;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One account's authorizer options and the rules of {@code get/set_authorizer_option} (protocol §4.9): three named
 * options, each starting at {@code "0"}. Not thread-safe: {@link SandboxAuthorizations} guards it.
 */
final class SandboxAuthorizerOptions {

    /** The authorizer options and their allowed values (protocol §4.9). */
    static final Map<String, Set<String>> ALLOWED = Map.of("location_report", Set.of("0", "1", "2"),
            "voice_recognize", Set.of("0", "1"), "customer_service", Set.of("0", "1"));

    private final Map<String, String> values = new HashMap<>();

    SandboxAuthorizerOptions() {
        ALLOWED.keySet().forEach(name -> values.put(name, "0"));
    }

    /** @return {@code {"option_name","option_value"}}, or 61012 (unknown option) */
    Map<String, Object> get(String name, Instant now) {
        if (name == null || !ALLOWED.containsKey(name)) {
            return SandboxErrors.body(SandboxErrors.INVALID_OPTION_NAME, now);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("option_name", name);
        body.put("option_value", values.get(name));
        return body;
    }

    /**
     * @return {@code {"errcode":0,"errmsg":"ok"}}, or 61012 (unknown option), 61013 (bad value); nothing changes then
     */
    Map<String, Object> set(String name, String value, Instant now) {
        if (name == null || !ALLOWED.containsKey(name)) {
            return SandboxErrors.body(SandboxErrors.INVALID_OPTION_NAME, now);
        }
        if (value == null || !ALLOWED.get(name).contains(value)) {
            return SandboxErrors.body(SandboxErrors.INVALID_OPTION_VALUE, now);
        }
        values.put(name, value);
        return SandboxErrors.ok("ok");
    }

    /** A sorted copy of every option's value, for the state view. */
    Map<String, String> view() {
        return new TreeMap<>(values);
    }
}
