package io.wechatopen.camel.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the simulated WeChat holds for web authorization (网页授权) and mini-program login on behalf of accounts: the
 * codes a user's approval mints (5 minutes, single use), the users' OAuth access tokens (2 h) and refresh tokens (30
 * days), and the {@code wx.login} codes of mini-programs. One simulated user per account: its {@code openid} is
 * derived from the account's appid, its {@code unionid} from the platform's. The caller (the HTTP handler) checks the
 * component token, the component appid and the authorization first. Thread-safe.
 */
public final class SandboxOAuth {

    /** A web authorization code and a {@code wx.login} code are accepted for 5 minutes. */
    public static final Duration CODE_LIFETIME = Duration.ofMinutes(5);
    /** A user's OAuth access token: {@code expires_in} 7200. */
    public static final Duration ACCESS_TOKEN_LIFETIME = Duration.ofSeconds(7200);
    /** A user's OAuth refresh token lives 30 days. */
    public static final Duration REFRESH_TOKEN_LIFETIME = Duration.ofDays(30);
    /** The nickname of the simulated user. */
    public static final String NICKNAME = "Sandbox User";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String componentAppid;
    private final Clock clock;
    private final Map<String, Code> codes = new HashMap<>();
    private final Map<String, Code> jsCodes = new HashMap<>();
    private final Map<String, Grant> accessTokens = new HashMap<>();
    private final Map<String, Grant> refreshTokens = new HashMap<>();
    private long sessionsIssued;

    SandboxOAuth(String componentAppid, Clock clock) {
        this.componentAppid = Objects.requireNonNull(componentAppid, "componentAppid");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The openid of the simulated user at {@code appid} (28 characters, as WeChat's). */
    public static String openid(String appid) {
        return "o" + hash("user:" + appid).substring(0, 27);
    }

    /** The unionid of the simulated user across the platform's accounts. */
    public String unionid() {
        return "o" + hash("union:" + componentAppid).substring(0, 27);
    }

    /** The user approved on the authorization page: a code for {@code appid} and {@code scope}. */
    public synchronized String mintCode(String appid, String scope) {
        forgetExpired();
        String code = "061" + SandboxRandom.urlSafe(29);
        codes.put(code, new Code(appid, scope, clock.instant().plus(CODE_LIFETIME)));
        return code;
    }

    /** The mini-program {@code appid} called {@code wx.login}: a code for {@code jscode2session}. */
    public synchronized String mintJsCode(String appid) {
        forgetExpired();
        String code = "0c3" + SandboxRandom.urlSafe(29);
        jsCodes.put(code, new Code(appid, null, clock.instant().plus(CODE_LIFETIME)));
        return code;
    }

    /**
     * {@code /sns/oauth2/component/access_token} once the caller checked token, component and authorization.
     *
     * @return {@code access_token}, {@code expires_in}, {@code refresh_token}, {@code openid}, {@code scope}; or 40029
     *         (unknown code, or another account's), 40163 (used), 42003 (older than 5 minutes)
     */
    public synchronized Map<String, Object> exchangeCode(String appid, String code) {
        Instant now = clock.instant();
        Code issued = code == null ? null : codes.get(code);
        if (issued == null || !issued.appid.equals(appid)) {
            return SandboxErrors.body(SandboxErrors.INVALID_CODE, now);
        }
        if (issued.used) {
            return SandboxErrors.body(SandboxErrors.CODE_USED, now);
        }
        if (!now.isBefore(issued.expiresAt)) {
            return SandboxErrors.body(SandboxErrors.OAUTH_CODE_EXPIRED, now);
        }
        issued.used = true;
        String refreshToken = "91_" + SandboxRandom.urlSafe(80);
        refreshTokens.put(refreshToken, new Grant(appid, issued.scope, now.plus(REFRESH_TOKEN_LIFETIME)));
        return grant(appid, issued.scope, refreshToken, now);
    }

    /**
     * {@code /sns/oauth2/component/refresh_token} once the caller checked token, component and authorization: a new
     * access token; the refresh token stays.
     *
     * @return as {@link #exchangeCode}; or 40030 (unknown refresh token, or another account's), 42002 (older than 30
     *         days)
     */
    public synchronized Map<String, Object> refresh(String appid, String refreshToken) {
        Instant now = clock.instant();
        Grant grant = refreshToken == null ? null : refreshTokens.get(refreshToken);
        if (grant == null || !grant.appid.equals(appid)) {
            return SandboxErrors.body(SandboxErrors.INVALID_REFRESH_TOKEN, now);
        }
        if (!now.isBefore(grant.expiresAt)) {
            return SandboxErrors.body(SandboxErrors.REFRESH_TOKEN_EXPIRED, now);
        }
        return grant(appid, grant.scope, refreshToken, now);
    }

    private Map<String, Object> grant(String appid, String scope, String refreshToken, Instant now) {
        String accessToken = "92_" + SandboxRandom.urlSafe(80);
        accessTokens.put(accessToken, new Grant(appid, scope, now.plus(ACCESS_TOKEN_LIFETIME)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", accessToken);
        body.put("expires_in", ACCESS_TOKEN_LIFETIME.toSeconds());
        body.put("refresh_token", refreshToken);
        body.put("openid", openid(appid));
        body.put("scope", scope);
        return body;
    }

    /**
     * {@code /sns/userinfo} with the user's OAuth access token.
     *
     * @return the user's info; or 41001 (no token), 40001 (unknown token), 42001 (expired), 40003 (openid not the
     *         token's user), 48001 (the token's scope is snsapi_base)
     */
    public synchronized Map<String, Object> userInfo(String accessToken, String openid) {
        Instant now = clock.instant();
        if (accessToken == null) {
            return SandboxErrors.body(SandboxErrors.ACCESS_TOKEN_MISSING, now);
        }
        Grant grant = accessTokens.get(accessToken);
        if (grant == null) {
            return SandboxErrors.body(SandboxErrors.INVALID_CREDENTIAL, now);
        }
        if (!now.isBefore(grant.expiresAt)) {
            return SandboxErrors.body(SandboxErrors.ACCESS_TOKEN_EXPIRED, now);
        }
        if (!openid(grant.appid).equals(openid)) {
            return SandboxErrors.body(SandboxErrors.INVALID_OPENID, now);
        }
        if (!List.of(grant.scope.split(",")).contains("snsapi_userinfo")) {
            return SandboxErrors.body(SandboxErrors.API_UNAUTHORIZED, now);
        }
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("openid", openid);
        user.put("nickname", NICKNAME);
        user.put("sex", 0);
        user.put("province", "Guangdong");
        user.put("city", "Shenzhen");
        user.put("country", "CN");
        user.put("headimgurl", "https://thirdwx.qlogo.cn/mmopen/sandbox-user/132");
        user.put("privilege", List.of());
        user.put("unionid", unionid());
        return user;
    }

    /**
     * {@code /sns/component/jscode2session} once the caller checked token, component and authorization.
     *
     * @return {@code openid}, {@code session_key}, {@code unionid}; or 40029 (unknown, another mini-program's, or
     *         older than 5 minutes), 40163 (used)
     */
    public synchronized Map<String, Object> jscode2session(String appid, String jsCode) {
        Instant now = clock.instant();
        Code issued = jsCode == null ? null : jsCodes.get(jsCode);
        if (issued == null || !issued.appid.equals(appid) || !now.isBefore(issued.expiresAt)) {
            return SandboxErrors.body(SandboxErrors.INVALID_CODE, now);
        }
        if (issued.used) {
            return SandboxErrors.body(SandboxErrors.CODE_USED, now);
        }
        issued.used = true;
        sessionsIssued++;
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("openid", openid(appid));
        body.put("session_key", Base64.getEncoder().encodeToString(key));
        body.put("unionid", unionid());
        return body;
    }

    /** Counts for the state view; no code, token or session key. */
    synchronized Map<String, Object> snapshot() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("codes", codes.size());
        view.put("js_codes", jsCodes.size());
        view.put("access_tokens", accessTokens.size());
        view.put("refresh_tokens", refreshTokens.size());
        view.put("sessions_issued", sessionsIssued);
        return view;
    }

    private void forgetExpired() {
        Instant horizon = clock.instant().minus(SandboxAuthorizations.FORGET_AFTER);
        codes.values().removeIf(c -> c.expiresAt.isBefore(horizon));
        jsCodes.values().removeIf(c -> c.expiresAt.isBefore(horizon));
        accessTokens.values().removeIf(g -> g.expiresAt.isBefore(horizon));
        refreshTokens.values().removeIf(g -> g.expiresAt.isBefore(horizon));
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static final class Code {
        private final String appid;
        private final String scope;
        private final Instant expiresAt;
        private boolean used;

        private Code(String appid, String scope, Instant expiresAt) {
            this.appid = appid;
            this.scope = scope;
            this.expiresAt = expiresAt;
        }
    }

    private record Grant(String appid, String scope, Instant expiresAt) {
    }
}
