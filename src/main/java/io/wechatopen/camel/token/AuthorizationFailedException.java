package io.wechatopen.camel.token;

/**
 * An authorization code could not be exchanged (yet). {@link #getErrcode()} is WeChat's errcode when WeChat refused
 * it (61009 invalid or used, 61010 expired), else null. {@link #isOutcomeUnknown()} says that WeChat may well have
 * authorized the account (its answer was lost): the authorization is being finished through the account's appid.
 * The message never carries the code.
 */
public class AuthorizationFailedException extends RuntimeException {

    private final Integer errcode;
    private final boolean outcomeUnknown;

    public AuthorizationFailedException(Integer errcode, String message, Throwable cause) {
        this(errcode, message, cause, false);
    }

    public AuthorizationFailedException(Integer errcode, String message, Throwable cause, boolean outcomeUnknown) {
        super(message, cause);
        this.errcode = errcode;
        this.outcomeUnknown = outcomeUnknown;
    }

    /** An exchange whose outcome is not known yet: retried later, never reported as a refusal. */
    static AuthorizationFailedException outcomeUnknown(String message, Throwable cause) {
        return new AuthorizationFailedException(null, message, cause, true);
    }

    /** Whether WeChat may have authorized the account already: the authorization is received and finishing. */
    public boolean isOutcomeUnknown() {
        return outcomeUnknown;
    }

    public Integer getErrcode() {
        return errcode;
    }

    /** Whether trying again later may work (WeChat unreachable, or the other exchange still running). */
    public boolean isTransient() {
        return errcode == null || errcode == -1;
    }
}
