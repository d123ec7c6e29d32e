package io.wechatopen.camel.sandbox;

import java.time.Duration;
import java.time.Instant;

/**
 * An access token the sandbox issued (component or authorizer), with WeChat's rule for both: valid until its expiry,
 * and once a newer token supersedes it, only for a grace period more (never beyond its expiry). Not thread-safe: the
 * owning state guards it.
 */
final class SandboxIssuedToken {

    private final String value;
    private Instant expiresAt;
    private Instant supersededUntil;

    SandboxIssuedToken(String value, Instant expiresAt) {
        this.value = value;
        this.expiresAt = expiresAt;
    }

    String value() {
        return value;
    }

    Instant expiresAt() {
        return expiresAt;
    }

    /** A newer token was issued at {@code now}: this one stays valid for {@code grace} more, at most. */
    void supersede(Instant now, Duration grace) {
        if (supersededUntil == null) {
            Instant graceEnd = now.plus(grace);
            supersededUntil = graceEnd.isBefore(expiresAt) ? graceEnd : expiresAt;
        }
    }

    /**
     * Ends the token at {@code now} if it is still before its expiry.
     *
     * @return whether it was live until now
     */
    boolean expire(Instant now) {
        if (!now.isBefore(expiresAt)) {
            return false;
        }
        expiresAt = now;
        return true;
    }

    /** @return 0 when usable at {@code now}, 42001 when past its expiry, 40001 when past its grace after superseding */
    int check(Instant now) {
        if (!now.isBefore(expiresAt)) {
            return SandboxErrors.ACCESS_TOKEN_EXPIRED;
        }
        if (supersededUntil != null && !now.isBefore(supersededUntil)) {
            return SandboxErrors.INVALID_CREDENTIAL;
        }
        return SandboxErrors.OK;
    }
}
