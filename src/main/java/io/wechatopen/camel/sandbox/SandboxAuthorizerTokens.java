package io.wechatopen.camel.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The authorizer access tokens the simulated WeChat issued, and its refresh tokens: minting (a new access token
 * supersedes the account's previous one, which stays usable for {@link #ACCESS_TOKEN_GRACE}), ending them early, and
 * the checks of an API called with {@code ?access_token=}. Not thread-safe: {@link SandboxAuthorizations} guards it.
 */
final class SandboxAuthorizerTokens {

    /** Lifetime of an authorizer access token ({@code expires_in} 7200) unless configured otherwise. */
    static final Duration ACCESS_TOKEN_LIFETIME = Duration.ofSeconds(7200);
    /** A superseded authorizer access token stays usable this long (as WeChat's other access tokens). */
    static final Duration ACCESS_TOKEN_GRACE = Duration.ofSeconds(300);

    /** What an authorizer access token the sandbox issues looks like ({@code 89_} + 154 url-safe characters). */
    private static final Pattern ACCESS_TOKEN_FORMAT = Pattern.compile("[0-9]{2}_[A-Za-z0-9_-]{154}");

    private final Duration accessTokenLifetime;
    /** How often minting forgets long-expired tokens. */
    private static final Duration PURGE_INTERVAL = Duration.ofMinutes(1);

    private final Map<String, AccessToken> accessTokens = new HashMap<>();
    private Instant nextPurge;

    /** @param accessTokenLifetime {@code expires_in} and real lifetime of the access tokens issued */
    SandboxAuthorizerTokens(Duration accessTokenLifetime) {
        this.accessTokenLifetime = accessTokenLifetime;
    }

    Duration accessTokenLifetime() {
        return accessTokenLifetime;
    }

    /** A new refresh token ({@code refreshtoken@@@} + 43 url-safe characters). */
    static String mintRefreshToken() {
        return "refreshtoken@@@" + SandboxRandom.urlSafe(43);
    }

    /**
     * Mints an access token for the current generation of {@code authorizer}'s authorization and makes it the
     * account's current one; the previous one is superseded. Forgets tokens long expired.
     *
     * @return the token's value
     */
    String mintAccessToken(SandboxAuthorizer authorizer, Instant now) {
        // A scan of every token issued: at most once a minute, so minting stays cheap with 100,000 accounts.
        if (nextPurge == null || !now.isBefore(nextPurge)) {
            accessTokens.values()
                    .removeIf(t -> t.issued().expiresAt().plus(SandboxAuthorizations.FORGET_AFTER).isBefore(now));
            nextPurge = now.plus(PURGE_INTERVAL);
        }
        if (authorizer.currentToken != null) {
            authorizer.currentToken.supersede(now, ACCESS_TOKEN_GRACE);
        }
        SandboxIssuedToken token = new SandboxIssuedToken("89_" + SandboxRandom.urlSafe(154),
                now.plus(accessTokenLifetime));
        accessTokens.put(token.value(), new AccessToken(authorizer.appid(), authorizer.generation, token));
        authorizer.currentToken = token;
        authorizer.accessTokensIssued++;
        return token.value();
    }

    /**
     * Ends every access token of the account at {@code now}.
     *
     * @return how many tokens that were still live ended
     */
    int expireAll(String authorizerAppid, Instant now) {
        int expired = 0;
        for (AccessToken token : accessTokens.values()) {
            if (token.appid().equals(authorizerAppid) && token.issued().expire(now)) {
                expired++;
            }
        }
        return expired;
    }

    /**
     * Checks an access token as the APIs that take one do, and counts a call of {@code api} for its account (none
     * when {@code api} is {@code null}).
     *
     * @param authorizers the account of an appid (every issued token's account is known)
     * @return the errcode (0 when usable: 41001 missing, 40014 not shaped like a token the sandbox issues, 40001
     *         unknown, superseded longer than {@link #ACCESS_TOKEN_GRACE} ago, or of a withdrawn authorization,
     *         42001 past its expiry) and the token's account when it is known
     */
    SandboxAuthorizations.TokenCheck check(String token, String api, Function<String, SandboxAuthorizer> authorizers,
            Instant now) {
        if (token == null || token.isBlank()) {
            return new SandboxAuthorizations.TokenCheck(SandboxErrors.ACCESS_TOKEN_MISSING, null);
        }
        if (!ACCESS_TOKEN_FORMAT.matcher(token).matches()) {
            return new SandboxAuthorizations.TokenCheck(SandboxErrors.INVALID_ACCESS_TOKEN, null);
        }
        AccessToken issued = accessTokens.get(token);
        if (issued == null) {
            return new SandboxAuthorizations.TokenCheck(SandboxErrors.INVALID_CREDENTIAL, null);
        }
        SandboxAuthorizer authorizer = authorizers.apply(issued.appid());
        if (api != null) {
            authorizer.count(api);
        }
        boolean withdrawn = !authorizer.authorized || issued.generation() != authorizer.generation;
        return new SandboxAuthorizations.TokenCheck(
                withdrawn ? SandboxErrors.INVALID_CREDENTIAL : issued.issued().check(now), issued.appid());
    }

    /** An authorizer access token: which account and which of its authorizations it belongs to. */
    private record AccessToken(String appid, int generation, SandboxIssuedToken issued) {
    }
}
