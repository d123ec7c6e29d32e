package io.wechatopen.camel.token;

import java.time.Instant;

/**
 * A WeChat API is not called now because an earlier call failed and its back-off has not elapsed (or its daily
 * quota is exhausted, 45009): the caller fails fast with the last error instead of calling WeChat again. The message
 * carries the last error's message, never a secret.
 */
public class BackingOffException extends RuntimeException {

    private final Integer errcode;
    private final Instant until;

    public BackingOffException(String message, Integer errcode, Instant until) {
        super(message);
        this.errcode = errcode;
        this.until = until;
    }

    /** The errcode of the last failure, or null when it was not a WeChat answer. */
    public Integer getErrcode() {
        return errcode;
    }

    /** When the next call is allowed. */
    public Instant getUntil() {
        return until;
    }
}
