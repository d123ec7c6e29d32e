package io.wechatopen.camel.token;

/**
 * Another instance on the same database holds the lease of a token refresh and did not finish it in time: the caller
 * did not call WeChat itself (that would fetch the token twice) and may try again. The message names no secret.
 */
public class LeaseHeldElsewhereException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public LeaseHeldElsewhereException(String message) {
        super(message);
    }
}
