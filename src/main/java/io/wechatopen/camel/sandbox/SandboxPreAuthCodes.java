package io.wechatopen.camel.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The pre-authorization codes the simulated WeChat minted ({@code api_create_preauthcode}, protocol §4.3): each lives
 * {@link #LIFETIME}, authorizes once, and remembers what the authorization page was opened with. Not thread-safe:
 * {@link SandboxAuthorizations} guards it.
 */
final class SandboxPreAuthCodes {

    /** A pre-authorization code lives 1800 s and authorizes once (protocol §4.3). */
    static final Duration LIFETIME = Duration.ofSeconds(1800);

    private final Map<String, PreAuthCode> codes = new HashMap<>();
    private long issued;

    /** Mints a new code, usable until {@code now} + {@link #LIFETIME}; forgets codes long expired. */
    PreAuthCode mint(Instant now) {
        codes.values().removeIf(c -> c.expiresAt.plus(SandboxAuthorizations.FORGET_AFTER).isBefore(now));
        PreAuthCode code = new PreAuthCode("preauthcode@@@" + SandboxRandom.urlSafe(86), now.plus(LIFETIME));
        codes.put(code.value, code);
        issued++;
        return code;
    }

    /**
     * The code named {@code value}, when it may still authorize at {@code now}.
     *
     * @throws SandboxAuthorizations.Rejected (400) when it is missing, unknown, used or expired
     */
    PreAuthCode usable(String value, Instant now) {
        PreAuthCode code = value == null ? null : codes.get(value);
        if (code == null) {
            throw new SandboxAuthorizations.Rejected(400, value == null || value.isBlank()
                    ? "pre_auth_code is missing."
                    : "The pre_auth_code is unknown: get one from api_create_preauthcode.");
        }
        if (code.used) {
            throw new SandboxAuthorizations.Rejected(400, "The pre_auth_code was used already: each one authorizes "
                    + "once. Get a new one from api_create_preauthcode.");
        }
        if (!now.isBefore(code.expiresAt)) {
            throw new SandboxAuthorizations.Rejected(400, "The pre_auth_code expired: it is valid for "
                    + LIFETIME.toSeconds() + " s. Get a new one from api_create_preauthcode.");
        }
        return code;
    }

    /** For the state view: how many were issued, how many may still authorize at {@code now}. No values. */
    Map<String, Object> counts(Instant now) {
        return Map.of("issued", issued, "usable",
                codes.values().stream().filter(c -> !c.used && now.isBefore(c.expiresAt)).count());
    }

    /** One code, and what the authorization page was opened with (for a later approval to fall back on). */
    static final class PreAuthCode {
        final String value;
        final Instant expiresAt;
        boolean used;
        String redirectUri;
        String bizAppid;
        List<Integer> categoryIds;

        private PreAuthCode(String value, Instant expiresAt) {
            this.value = value;
            this.expiresAt = expiresAt;
        }
    }
}
