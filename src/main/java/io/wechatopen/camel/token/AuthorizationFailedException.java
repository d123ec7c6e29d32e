package io.wechatopen.camel.token;

/**
 * An authorization code could not be exchanged. {@link #getErrcode()} is WeChat's errcode when WeChat refused it
 * (61009 invalid or used, 61010 expired), else null. The message never carries the code.
 */
public class AuthorizationFailedException extends RuntimeException {

    private final Integer errcode;

    public AuthorizationFailedException(Integer errcode, String message, Throwable cause) {
        super(message, cause);
        this.errcode = errcode;
    }

    public Integer getErrcode() {
        return errcode;
    }

    /** Whether trying again later may work (WeChat unreachable, or the other exchange still running). */
    public boolean isTransient() {
        return errcode == null || errcode == -1;
    }
}
