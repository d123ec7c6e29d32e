package io.wechatopen.camel.sandbox;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What became of one push attempt.
 *
 * @param time when the attempt ended
 * @param infoType the pushed {@code InfoType}, e.g. {@code component_verify_ticket}
 * @param outcome {@link #ANSWERED} (the receiver sent an HTTP response), {@link #FAILED} (no response: refused,
 *        timed out, ...) or {@link #DROPPED} (a fault suppressed it)
 * @param status the receiver's HTTP status, or {@code null} when it did not answer
 * @param body the receiver's response body (shortened), or {@code null}
 * @param error why the push failed or was dropped, or {@code null}
 */
public record SandboxPushResult(Instant time, String infoType, String outcome, Integer status, String body,
        String error) {

    public static final String ANSWERED = "answered";
    public static final String FAILED = "failed";
    public static final String DROPPED = "dropped";

    /**
     * Whether WeChat would count the answer as valid: HTTP 200 with the body {@code success} or an empty body
     * (protocol §5.1).
     */
    public boolean accepted() {
        return ANSWERED.equals(outcome) && status != null && status == 200
                && (body == null || body.isBlank() || "success".equals(body.strip()));
    }

    /** The result as the state view shows it. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("time", time.toString());
        map.put("info_type", infoType);
        map.put("outcome", outcome);
        map.put("accepted", accepted());
        map.put("status", status);
        map.put("body", body);
        map.put("error", error);
        return map;
    }
}
