package io.wechatopen.camel;

/**
 * No access token can be given for an account; {@link #getReason()} says why. Never carries a token.
 */
public class AuthorizerUnavailableException extends RuntimeException {

    /** Why no token can be given. */
    public enum Reason {
        /** The account never authorized this platform (or not the given component). */
        UNKNOWN,
        /** The account withdrew its authorization. */
        UNAUTHORIZED,
        /** The refresh token is no longer accepted: the account must authorize again. */
        NEEDS_REAUTHORIZATION,
        /** The account authorized several components; name the component. */
        AMBIGUOUS,
        /** WeChat could not give a token right now (unreachable, or refused for another reason); try later. */
        UNAVAILABLE
    }

    private final Reason reason;
    private final String authorizerAppid;

    public AuthorizerUnavailableException(Reason reason, String authorizerAppid, String message) {
        super(message);
        this.reason = reason;
        this.authorizerAppid = authorizerAppid;
    }

    public AuthorizerUnavailableException(Reason reason, String authorizerAppid, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.authorizerAppid = authorizerAppid;
    }

    public Reason getReason() {
        return reason;
    }

    public String getAuthorizerAppid() {
        return authorizerAppid;
    }
}
