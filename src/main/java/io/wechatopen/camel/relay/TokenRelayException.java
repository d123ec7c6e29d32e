package io.wechatopen.camel.relay;

/**
 * The relay endpoint gave no token. {@link #getError()} is the endpoint's typed reason ({@code UNKNOWN},
 * {@code UNAUTHORIZED}, {@code NEEDS_REAUTHORIZATION}, {@code AMBIGUOUS}, {@code UNAVAILABLE}, or
 * {@code FORBIDDEN}/{@code UNAUTHENTICATED} when it refused this instance); {@link #getStatus()} its HTTP status,
 * 0 when it could not be reached. Never carries a token or the bearer secret.
 */
public class TokenRelayException extends RuntimeException {

    private final int status;
    private final String error;

    public TokenRelayException(int status, String error, String message) {
        super(message);
        this.status = status;
        this.error = error;
    }

    public TokenRelayException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
        this.error = "UNREACHABLE";
    }

    public int getStatus() {
        return status;
    }

    public String getError() {
        return error;
    }

    /** Whether the relay could not answer (unreachable, timeout, 5xx): a cached unexpired token may still serve. */
    public boolean transientFailure() {
        return status == 0 || status >= 500;
    }
}
