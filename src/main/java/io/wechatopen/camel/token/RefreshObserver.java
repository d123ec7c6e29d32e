package io.wechatopen.camel.token;

/**
 * Told the outcome of every authorizer token refresh attempt (scheduled or on demand), for metrics. Implementations
 * must be thread-safe, fast and must not throw.
 */
@FunctionalInterface
public interface RefreshObserver {

    /** How one refresh attempt ended. */
    enum Outcome {
        /** A new access token was obtained and stored. */
        REFRESHED,
        /** The refresh token was refused (61023) and a current one was recovered, then used. */
        RECOVERED,
        /** WeChat could not be reached or answered a temporary error; the account stays AUTHORIZED. */
        FAILED,
        /** WeChat definitively refused every refresh token: the account was marked NEEDS_REAUTHORIZATION. */
        NEEDS_REAUTHORIZATION,
        /** The account withdrew its authorization (61003). */
        UNAUTHORIZED
    }

    /** An observer that does nothing. */
    RefreshObserver NONE = outcome -> {
    };

    /** Called once per refresh attempt that reached WeChat, after its outcome is stored. */
    void observe(Outcome outcome);
}
