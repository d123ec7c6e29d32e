package io.wechatopen.camel.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the simulated WeChat holds about one Official Account that authorized the platform at least once: whether it
 * is authorized now, the generation of its authorization, permission sets, refresh token, current access token,
 * options and the API calls made for it. Not thread-safe: {@link SandboxAuthorizations} guards it.
 */
final class SandboxAuthorizer {

    final SandboxAccount account;
    final SandboxAuthorizerOptions options = new SandboxAuthorizerOptions();
    private final Map<String, Long> calls = new HashMap<>();
    boolean authorized;
    /** Starts at 0; each authorization after a withdrawal (or the first) is a new generation. */
    int generation;
    List<Integer> funcIds = List.of();
    Instant authTime;
    /** {@code null} until the first exchange of the current authorization. */
    String refreshToken;
    SandboxIssuedToken currentToken;
    long accessTokensIssued;

    SandboxAuthorizer(SandboxAccount account) {
        this.account = account;
    }

    String appid() {
        return account.appid();
    }

    String refreshTokenOrEmpty() {
        return refreshToken == null ? "" : refreshToken;
    }

    /** Counts one call of {@code api} for this account. */
    void count(String api) {
        calls.merge(api, 1L, Long::sum);
    }

    /**
     * For the state view: status, permission sets, whether a refresh token exists, how many access tokens were
     * issued, when the newest one expires, options and calls. No token values.
     */
    Map<String, Object> view(Instant now) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("appid", account.appid());
        item.put("nick_name", account.nickName());
        item.put("status", authorized ? SandboxAuthorizations.STATUS_AUTHORIZED
                : SandboxAuthorizations.STATUS_UNAUTHORIZED);
        item.put("func_ids", funcIds);
        item.put("auth_time", authTime.getEpochSecond());
        item.put("refresh_token_present", authorized && refreshToken != null);
        item.put("access_tokens_issued", accessTokensIssued);
        SandboxIssuedToken current = authorized ? currentToken : null;
        item.put("access_token_expires_at", current == null ? null : current.expiresAt().toString());
        item.put("access_token_expires_in", current == null ? null
                : Math.max(0, Duration.between(now, current.expiresAt()).toSeconds()));
        item.put("options", options.view());
        item.put("calls", new TreeMap<>(calls));
        return item;
    }
}
