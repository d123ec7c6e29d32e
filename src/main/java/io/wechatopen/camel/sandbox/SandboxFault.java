package io.wechatopen.camel.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fault to inject into the next {@code count} calls of one sandbox API. At least one effect is set. An errcode or
 * HTTP status replaces the API's work; a latency delays the reply (or the push) first; {@code drop} only applies to
 * pushes and means the push is not sent; {@code loseReply} only applies to request APIs and means the API does its
 * whole work (a code is used up, a token issued, the call recorded) and then the connection is closed without an
 * answer, as when a reply is lost on the way.
 *
 * @param api the API name, one of {@link SandboxFaults#APIS}
 * @param count how many calls it affects, at least 1
 * @param errcode WeChat errcode to answer with, or {@code null}
 * @param httpStatus HTTP status (200-599) to answer with a short plain-text body, or {@code null}
 * @param latencyMs delay in milliseconds (0-60000) before answering, or {@code null}
 * @param drop whether a push is silently not sent
 * @param loseReply whether the call is served but its reply is never sent (the connection is closed instead)
 */
public record SandboxFault(String api, int count, Integer errcode, Integer httpStatus, Long latencyMs,
        boolean drop, boolean loseReply) {

    /** Longest injectable latency: long enough to exceed WeChat's 5 s push budget and typical client timeouts. */
    public static final long MAX_LATENCY_MS = 60_000;

    /**
     * @throws IllegalArgumentException when a value is out of range, the errcode is unknown or no effect is set
     */
    public SandboxFault {
        if (api == null || api.isBlank()) {
            throw new IllegalArgumentException("api is required");
        }
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1");
        }
        if (errcode != null && (errcode == SandboxErrors.OK || !SandboxErrors.isKnown(errcode))) {
            throw new IllegalArgumentException("errcode " + errcode + " is not a known non-zero WeChat errcode");
        }
        if (httpStatus != null && (httpStatus < 200 || httpStatus > 599)) {
            throw new IllegalArgumentException("http_status must be from 200 to 599");
        }
        if (errcode != null && httpStatus != null) {
            throw new IllegalArgumentException("give either errcode or http_status, not both");
        }
        if (latencyMs != null && (latencyMs < 0 || latencyMs > MAX_LATENCY_MS)) {
            throw new IllegalArgumentException("latency_ms must be from 0 to " + MAX_LATENCY_MS);
        }
        if (loseReply && (errcode != null || httpStatus != null || drop)) {
            throw new IllegalArgumentException("lose_reply serves the call and then drops its reply: it combines"
                    + " only with latency_ms, not with errcode, http_status or drop");
        }
        if (errcode == null && httpStatus == null && latencyMs == null && !drop && !loseReply) {
            throw new IllegalArgumentException("a fault needs errcode, http_status, latency_ms, drop or lose_reply");
        }
    }

    /** A fault that does not lose the reply. */
    public SandboxFault(String api, int count, Integer errcode, Integer httpStatus, Long latencyMs, boolean drop) {
        this(api, count, errcode, httpStatus, latencyMs, drop, false);
    }

    /** The latency in milliseconds, 0 when none. */
    public long latency() {
        return latencyMs == null ? 0 : latencyMs;
    }

    /** The same fault with another count (used to show what is left). */
    public SandboxFault withCount(int remaining) {
        return new SandboxFault(api, remaining, errcode, httpStatus, latencyMs, drop, loseReply);
    }

    /** The fault as the control API shows it: only the fields that are set. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("api", api);
        map.put("count", count);
        if (errcode != null) {
            map.put("errcode", errcode);
        }
        if (httpStatus != null) {
            map.put("http_status", httpStatus);
        }
        if (latencyMs != null) {
            map.put("latency_ms", latencyMs);
        }
        if (drop) {
            map.put("drop", true);
        }
        if (loseReply) {
            map.put("lose_reply", true);
        }
        return map;
    }
}
