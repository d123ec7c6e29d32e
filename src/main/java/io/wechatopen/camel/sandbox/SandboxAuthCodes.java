package io.wechatopen.camel.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The authorization codes the simulated WeChat minted at each approval: each lives {@link #LIFETIME}, is exchanged
 * once by {@code api_query_auth}, and belongs to one generation of one account's authorization. Not thread-safe:
 * {@link SandboxAuthorizations} guards it.
 */
final class SandboxAuthCodes {

    /** An authorization code lives 3600 s ({@code expires_in=3600}) and is exchanged once. */
    static final Duration LIFETIME = Duration.ofSeconds(3600);

    private final Map<String, AuthCode> codes = new HashMap<>();
    private long issued;

    /** Mints a code for the current generation of {@code authorizer}'s authorization; forgets codes long expired. */
    AuthCode mint(SandboxAuthorizer authorizer, Instant now) {
        codes.values().removeIf(c -> c.expiresAt.plus(SandboxAuthorizations.FORGET_AFTER).isBefore(now));
        AuthCode code = new AuthCode("queryauthcode@@@" + SandboxRandom.urlSafe(86), authorizer.appid(),
                authorizer.generation, now.plus(LIFETIME));
        codes.put(code.value, code);
        issued++;
        return code;
    }

    /** The code named {@code value}; {@code null} when unknown (or forgotten). */
    AuthCode find(String value) {
        return value == null ? null : codes.get(value);
    }

    /** For the state view: how many were issued, how many are unused and unexpired at {@code now}. No values. */
    Map<String, Object> counts(Instant now) {
        return Map.of("issued", issued, "unused",
                codes.values().stream().filter(c -> !c.used && now.isBefore(c.expiresAt)).count());
    }

    /**
     * {@code redirect_uri} with {@code auth_code} and {@code expires_in} appended as WeChat does: after {@code ?}, or
     * after {@code &} when the URI has a query already, before any fragment.
     */
    static String redirectUrl(String redirectUri, String authCode) {
        int hash = redirectUri.indexOf('#');
        String base = hash < 0 ? redirectUri : redirectUri.substring(0, hash);
        String fragment = hash < 0 ? "" : redirectUri.substring(hash);
        String separator = base.indexOf('?') < 0 ? "?" : base.endsWith("?") || base.endsWith("&") ? "" : "&";
        return base + separator + "auth_code=" + authCode + "&expires_in=" + LIFETIME.toSeconds() + fragment;
    }

    /** One code: whose authorization (account and generation) it exchanges into. */
    static final class AuthCode {
        final String value;
        final String appid;
        final int generation;
        final Instant expiresAt;
        boolean used;

        private AuthCode(String value, String appid, int generation, Instant expiresAt) {
            this.value = value;
            this.appid = appid;
            this.generation = generation;
            this.expiresAt = expiresAt;
        }
    }
}
