package io.wechatopen.camel.sandbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the simulated WeChat holds about the platform's authorizations: pre-authorization codes, authorization codes,
 * and per Official Account its authorization (permission sets, refresh token, access tokens, options). Implements the
 * rules of {@code api_create_preauthcode}, the authorization page, {@code api_query_auth},
 * {@code api_authorizer_token}, {@code api_get_authorizer_info}, {@code api_get_authorizer_list} and the option APIs
 * (protocol §4.3-§4.9, §8, §11). The caller checks the component access token first. Thread-safe; all times come
 * from the injected {@link Clock}: every method holds this object's lock, which also guards the parts it delegates
 * to by role: {@link SandboxPreAuthCodes}, {@link SandboxAuthCodes}, one {@link SandboxAuthorizer} per account (with
 * its {@link SandboxAuthorizerOptions}) and {@link SandboxAuthorizerTokens}.
 *
 * <p>
 * An account's authorization has generations: approving while not authorized starts a new one (an
 * {@code authorized} push; the previous refresh token, access tokens and codes become invalid); approving while
 * authorized changes the permission sets within the current one ({@code updateauthorized}; tokens stay valid).
 */
public final class SandboxAuthorizations {

    /** The most accounts one {@code api_get_authorizer_list} call returns. */
    public static final int LIST_MAX_COUNT = 500;

    static final String STATUS_AUTHORIZED = "authorized";
    static final String STATUS_UNAUTHORIZED = "unauthorized";

    /** Expired codes and tokens are forgotten this long after their expiry, so the maps do not grow forever. */
    static final Duration FORGET_AFTER = Duration.ofDays(7);

    private final String componentAppid;
    private final Clock clock;
    private final SandboxAccounts accounts = new SandboxAccounts();
    private final SandboxPreAuthCodes preAuthCodes = new SandboxPreAuthCodes();
    private final SandboxAuthCodes authCodes = new SandboxAuthCodes();
    private final Map<String, SandboxAuthorizer> authorizers = new LinkedHashMap<>();
    private final SandboxAuthorizerTokens tokens;

    /**
     * @param componentAppid the platform's appid, which every API and the page expect as {@code component_appid}
     * @param clock the source of every time
     */
    public SandboxAuthorizations(String componentAppid, Clock clock) {
        this(componentAppid, clock, SandboxAuthorizerTokens.ACCESS_TOKEN_LIFETIME);
    }

    /**
     * @param componentAppid the platform's appid, which every API and the page expect as {@code component_appid}
     * @param clock the source of every time
     * @param accessTokenLifetime {@code expires_in} and real lifetime of the authorizer access tokens issued
     */
    public SandboxAuthorizations(String componentAppid, Clock clock, Duration accessTokenLifetime) {
        this.componentAppid = Objects.requireNonNull(componentAppid, "componentAppid");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.tokens = new SandboxAuthorizerTokens(Objects.requireNonNull(accessTokenLifetime,
                "accessTokenLifetime"));
    }

    /** The Official Accounts merchants can authorize with. */
    public SandboxAccounts accounts() {
        return accounts;
    }

    /**
     * {@code api_create_preauthcode}: mints a pre-authorization code; several may be usable at once.
     *
     * @return {@code {"pre_auth_code":"preauthcode@@@...","expires_in":1800}}, or 40013 for another appid
     */
    public synchronized Map<String, Object> createPreAuthCode(String appid) {
        Instant now = clock.instant();
        if (!componentAppid.equals(appid)) {
            return SandboxErrors.body(SandboxErrors.INVALID_APPID, now);
        }
        SandboxPreAuthCodes.PreAuthCode code = preAuthCodes.mint(now);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("pre_auth_code", code.value);
        body.put("expires_in", SandboxPreAuthCodes.LIFETIME.toSeconds());
        return body;
    }

    /**
     * The authorization page was opened: checks the platform and the pre-authorization code (without using it up)
     * and remembers what the page was opened with, which a later approval through the control API falls back on.
     *
     * @param bizAppid the only account allowed to authorize, or {@code null}
     * @param categoryIds the permission sets asked for, or {@code null} for the default ones
     * @return the accounts to offer: only {@code bizAppid}'s when given, else every known account
     * @throws Rejected (400) when the platform or the code is wrong, or {@code redirect_uri} or {@code bizAppid} is
     *         unusable
     */
    public synchronized List<SandboxAccount> openPage(String appid, String preAuthCode, String redirectUri,
            String bizAppid, List<Integer> categoryIds) {
        checkComponent(appid);
        SandboxPreAuthCodes.PreAuthCode code = preAuthCodes.usable(preAuthCode, clock.instant());
        if (redirectUri == null || redirectUri.isBlank()) {
            throw new Rejected(400, "redirect_uri is missing: WeChat needs the address to send the merchant back to.");
        }
        SandboxAccount only = bizAppid == null ? null : account(bizAppid, "biz_appid");
        List<Integer> categories = categoryIds == null ? null : checkFuncIds(categoryIds);
        code.redirectUri = redirectUri;
        code.bizAppid = bizAppid;
        code.categoryIds = categories;
        return only == null ? accounts.all() : List.of(only);
    }

    /**
     * A merchant approves on the page (or through the control API): uses up the pre-authorization code, records
     * the authorization with a new authorization code, and returns the push to send. When the account is authorized
     * already this is an {@code updateauthorized}, otherwise an {@code authorized} that starts a new generation.
     *
     * @param authorizerAppid the approving account; {@code null} for the page's {@code biz_appid} or else
     *        {@value SandboxAccounts#FIRST_APPID}
     * @param funcIds the permission sets granted; {@code null} for those the page was opened with, else the default
     * @param redirectUri where to send the merchant back; {@code null} for the one the page was opened with
     * @param redirectRequired whether a missing redirect URI is refused (the page), or leaves {@code redirectUrl}
     *        {@code null} (the control API)
     * @return the approval
     * @throws Rejected (400) when the platform, the pre-authorization code, the account, the permission sets or the
     *         redirect URI are wrong; nothing changes then
     */
    public synchronized Approval approve(String appid, String preAuthCode, String authorizerAppid,
            List<Integer> funcIds, String redirectUri, boolean redirectRequired) {
        Instant now = clock.instant();
        checkComponent(appid);
        SandboxPreAuthCodes.PreAuthCode code = preAuthCodes.usable(preAuthCode, now);
        String chosen = authorizerAppid;
        if (blank(chosen)) {
            chosen = code.bizAppid == null ? SandboxAccounts.FIRST_APPID : code.bizAppid;
        }
        if (code.bizAppid != null && !code.bizAppid.equals(chosen)) {
            throw new Rejected(400, "Only the account " + code.bizAppid
                    + " (biz_appid) may authorize with this pre_auth_code, not " + chosen + ".");
        }
        List<Integer> granted = funcIds != null ? checkFuncIds(funcIds)
                : code.categoryIds != null ? code.categoryIds : SandboxFuncScopes.DEFAULT_IDS;
        String redirect = blank(redirectUri) ? code.redirectUri : redirectUri;
        if (redirect == null && redirectRequired) {
            throw new Rejected(400, "redirect_uri is missing: WeChat needs the address to send the merchant back to.");
        }
        // last check: it adds an account named for the first time to the catalogue
        SandboxAccount account = account(chosen, "authorizer_appid");

        code.used = true;
        SandboxAuthorizer authorizer = authorizers.computeIfAbsent(account.appid(),
                k -> new SandboxAuthorizer(account));
        boolean update = authorizer.authorized;
        if (!update) {
            authorizer.authorized = true;
            authorizer.generation++;
            // re-authorization: the refresh token of an earlier authorization is no longer valid
            authorizer.refreshToken = null;
        }
        authorizer.funcIds = granted;
        authorizer.authTime = now;
        SandboxAuthCodes.AuthCode authCode = authCodes.mint(authorizer, now);
        SandboxAuthorizationPush push = new SandboxAuthorizationPush(
                update ? SandboxAuthorizationPush.UPDATEAUTHORIZED : SandboxAuthorizationPush.AUTHORIZED,
                account.appid(), now, authCode.value, authCode.expiresAt, code.value);
        return new Approval(authCode.value, account.appid(), redirect == null ? null
                : SandboxAuthCodes.redirectUrl(redirect, authCode.value), push);
    }

    /**
     * The merchant changes the permission sets of an authorized account: a new authorization code and an
     * {@code updateauthorized} push (with a fresh, used-up pre-authorization code, as WeChat's carry one). The refresh
     * token and access tokens stay valid.
     *
     * @param funcIds the new permission sets, or {@code null} to keep them
     * @throws Rejected 404 for an account that never authorized, 409 for one not authorized now, 400 for bad ids
     */
    public synchronized Approval update(String authorizerAppid, List<Integer> funcIds) {
        Instant now = clock.instant();
        SandboxAuthorizer authorizer = authorized(authorizerAppid);
        if (funcIds != null) {
            authorizer.funcIds = checkFuncIds(funcIds);
        }
        authorizer.authTime = now;
        SandboxPreAuthCodes.PreAuthCode preAuthCode = preAuthCodes.mint(now);
        preAuthCode.used = true;
        SandboxAuthCodes.AuthCode authCode = authCodes.mint(authorizer, now);
        SandboxAuthorizationPush push = new SandboxAuthorizationPush(SandboxAuthorizationPush.UPDATEAUTHORIZED,
                authorizerAppid, now, authCode.value, authCode.expiresAt, preAuthCode.value);
        return new Approval(authCode.value, authorizerAppid, null, push);
    }

    /**
     * The merchant withdraws the authorization: from now on its tokens answer 40001, its refresh token 61003, its
     * codes 61003, and the list leaves it out.
     *
     * @return the {@code unauthorized} push to send
     * @throws Rejected 404 for an account that never authorized, 409 for one not authorized now
     */
    public synchronized SandboxAuthorizationPush unauthorize(String authorizerAppid) {
        authorized(authorizerAppid).authorized = false;
        return new SandboxAuthorizationPush(SandboxAuthorizationPush.UNAUTHORIZED, authorizerAppid, clock.instant(),
                null, null, null);
    }

    /**
     * Replaces the refresh token of an authorized account by a new one, as if the platform held a stale one: the
     * old one answers 61023 from now on.
     *
     * @throws Rejected 404 for an account that never authorized, 409 for one not authorized now
     */
    public synchronized void rotateRefreshToken(String authorizerAppid) {
        authorized(authorizerAppid).refreshToken = SandboxAuthorizerTokens.mintRefreshToken();
    }

    /**
     * Ends every access token of the account now, so that each answers 42001.
     *
     * @return how many tokens that were still live ended
     * @throws Rejected 404 for an account that never authorized
     */
    public synchronized int expireAccessTokens(String authorizerAppid) {
        known(authorizerAppid);
        return tokens.expireAll(authorizerAppid, clock.instant());
    }

    /**
     * Authorizes many accounts at once, for load tests: each as if its merchant had approved with the default
     * permission sets and the platform had exchanged the code ({@code api_query_auth}), except that no push is sent
     * and no access token is minted. An account authorized already keeps its authorization and refresh token.
     *
     * @param authorizerAppids the accounts, each an appid ({@link SandboxAccounts#isAppid})
     * @return each account's refresh token, in the order given
     * @throws Rejected (400) when one is no appid; the accounts before it are authorized then
     */
    public synchronized Map<String, String> authorizeAll(List<String> authorizerAppids) {
        Instant now = clock.instant();
        Map<String, String> refreshTokens = new LinkedHashMap<>();
        for (String appid : authorizerAppids) {
            SandboxAccount account = account(appid, "authorizer_appid");
            SandboxAuthorizer authorizer = authorizers.computeIfAbsent(appid, k -> new SandboxAuthorizer(account));
            if (!authorizer.authorized) {
                authorizer.authorized = true;
                authorizer.generation++;
                authorizer.funcIds = SandboxFuncScopes.DEFAULT_IDS;
                authorizer.authTime = now;
                authorizer.refreshToken = SandboxAuthorizerTokens.mintRefreshToken();
            } else if (authorizer.refreshToken == null) {
                authorizer.refreshToken = SandboxAuthorizerTokens.mintRefreshToken();
            }
            refreshTokens.put(appid, authorizer.refreshToken);
        }
        return refreshTokens;
    }

    /**
     * {@code api_query_auth}: exchanges an authorization code, once. Mints an access token and, at the first exchange
     * of the authorization, the refresh token.
     *
     * @return {@code {"authorization_info":{...}}}, or an error body: 40013 (other platform), 61009 (unknown, used or
     *         of an earlier authorization), 61003 (authorization withdrawn), 61010 (older than 3600 s)
     */
    public synchronized Map<String, Object> queryAuth(String appid, String authorizationCode) {
        Instant now = clock.instant();
        if (!componentAppid.equals(appid)) {
            return SandboxErrors.body(SandboxErrors.INVALID_APPID, now);
        }
        SandboxAuthCodes.AuthCode code = authCodes.find(authorizationCode);
        if (code == null || code.used) {
            return SandboxErrors.body(SandboxErrors.CODE_INVALID, now);
        }
        SandboxAuthorizer authorizer = authorizers.get(code.appid);
        authorizer.count(SandboxFaults.API_QUERY_AUTH);
        if (code.generation != authorizer.generation) {
            return SandboxErrors.body(SandboxErrors.CODE_INVALID, now);
        }
        if (!authorizer.authorized) {
            return SandboxErrors.body(SandboxErrors.NOT_AUTHORIZED, now);
        }
        if (!now.isBefore(code.expiresAt)) {
            return SandboxErrors.body(SandboxErrors.CODE_EXPIRED, now);
        }
        code.used = true;
        if (authorizer.refreshToken == null) {
            authorizer.refreshToken = SandboxAuthorizerTokens.mintRefreshToken();
        }
        String accessToken = tokens.mintAccessToken(authorizer, now);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("authorizer_appid", authorizer.appid());
        info.put("authorizer_access_token", accessToken);
        info.put("expires_in", tokens.accessTokenLifetime().toSeconds());
        info.put("authorizer_refresh_token", authorizer.refreshToken);
        info.put("func_info", SandboxFuncScopes.funcInfo(authorizer.funcIds));
        return Map.of("authorization_info", info);
    }

    /**
     * {@code api_authorizer_token}: a new access token for the refresh token; the previous access token stays valid
     * for {@link SandboxAuthorizerTokens#ACCESS_TOKEN_GRACE}. The refresh token is echoed.
     *
     * @return {@code {"authorizer_access_token":...,"expires_in":7200,"authorizer_refresh_token":...}}, or 40013,
     *         61003 (never or no longer authorized), 61023 (refresh token empty, wrong or replaced)
     */
    public synchronized Map<String, Object> authorizerToken(String appid, String authorizerAppid,
            String refreshToken) {
        Instant now = clock.instant();
        SandboxAuthorizer authorizer = authorizers.get(authorizerAppid);
        Map<String, Object> refused = refused(appid, authorizer, SandboxFaults.API_AUTHORIZER_TOKEN, now);
        if (refused != null) {
            return refused;
        }
        if (blank(refreshToken) || !refreshToken.equals(authorizer.refreshToken)) {
            return SandboxErrors.body(SandboxErrors.REFRESH_TOKEN_INVALID, now);
        }
        String accessToken = tokens.mintAccessToken(authorizer, now);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("authorizer_access_token", accessToken);
        body.put("expires_in", tokens.accessTokenLifetime().toSeconds());
        body.put("authorizer_refresh_token", authorizer.refreshToken);
        return body;
    }

    /**
     * {@code api_get_authorizer_info}: the account's facts and its authorization; the refresh token is {@code ""}
     * until the authorization's first {@code api_query_auth}.
     *
     * @return {@code {"authorizer_info":{...},"authorization_info":{...}}}, or 40013, or 61003 (never or no longer
     *         authorized)
     */
    public synchronized Map<String, Object> authorizerInfo(String appid, String authorizerAppid) {
        SandboxAuthorizer authorizer = authorizers.get(authorizerAppid);
        Map<String, Object> refused = refused(appid, authorizer, SandboxFaults.API_GET_AUTHORIZER_INFO,
                clock.instant());
        if (refused != null) {
            return refused;
        }
        Map<String, Object> authorization = new LinkedHashMap<>();
        authorization.put("authorizer_appid", authorizerAppid);
        authorization.put("authorizer_refresh_token", authorizer.refreshTokenOrEmpty());
        authorization.put("func_info", SandboxFuncScopes.funcInfo(authorizer.funcIds));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("authorizer_info", authorizer.account.authorizerInfo());
        body.put("authorization_info", authorization);
        return body;
    }

    /**
     * {@code api_get_authorizer_list}: the accounts authorized now, oldest authorization first.
     *
     * @param offset where to start, {@code null} for 0
     * @param count how many, {@code null} for {@value #LIST_MAX_COUNT}; more than that are cut to it
     * @return {@code {"total_count":N,"list":[{"authorizer_appid","refresh_token","auth_time"}, ...]}} with
     *         {@code refresh_token} {@code ""} before the authorization's first exchange, or 40013, or 47001 for a
     *         negative offset or a count below 1
     */
    public synchronized Map<String, Object> authorizerList(String appid, Long offset, Long count) {
        Instant now = clock.instant();
        if (!componentAppid.equals(appid)) {
            return SandboxErrors.body(SandboxErrors.INVALID_APPID, now);
        }
        long from = offset == null ? 0 : offset;
        long size = count == null ? LIST_MAX_COUNT : Math.min(count, LIST_MAX_COUNT);
        if (from < 0 || size < 1) {
            return SandboxErrors.body(SandboxErrors.DATA_FORMAT_ERROR, now);
        }
        List<SandboxAuthorizer> current = authorizers.values().stream().filter(a -> a.authorized)
                .sorted(Comparator.comparing((SandboxAuthorizer a) -> a.authTime)
                        .thenComparing(SandboxAuthorizer::appid))
                .toList();
        List<Map<String, Object>> list = new ArrayList<>();
        current.stream().skip(from).limit(size).forEach(a -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("authorizer_appid", a.appid());
            item.put("refresh_token", a.refreshTokenOrEmpty());
            item.put("auth_time", a.authTime.getEpochSecond());
            list.add(item);
        });
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("total_count", current.size());
        body.put("list", list);
        return body;
    }

    /**
     * {@code api_get_authorizer_option} (component token).
     *
     * @return {@code {"authorizer_appid","option_name","option_value"}}, or 40013, 61003, 61012 (unknown option)
     */
    public synchronized Map<String, Object> option(String appid, String authorizerAppid, String name) {
        Instant now = clock.instant();
        SandboxAuthorizer authorizer = authorizers.get(authorizerAppid);
        Map<String, Object> refused = refused(appid, authorizer, SandboxFaults.API_GET_AUTHORIZER_OPTION, now);
        if (refused != null) {
            return refused;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("authorizer_appid", authorizerAppid);
        body.putAll(authorizer.options.get(name, now));
        return body;
    }

    /**
     * {@code api_set_authorizer_option} (component token).
     *
     * @param value the new value as text ({@code "1"}), or {@code null} when absent
     * @return {@code {"errcode":0,"errmsg":"ok"}}, or 40013, 61003, 61012 (unknown option), 61013 (bad value)
     */
    public synchronized Map<String, Object> setOption(String appid, String authorizerAppid, String name,
            String value) {
        Instant now = clock.instant();
        SandboxAuthorizer authorizer = authorizers.get(authorizerAppid);
        Map<String, Object> refused = refused(appid, authorizer, SandboxFaults.API_SET_AUTHORIZER_OPTION, now);
        return refused != null ? refused : authorizer.options.set(name, value, now);
    }

    /**
     * {@code get_authorizer_option} (authorizer token, already checked with {@link #checkAccessToken}).
     *
     * @return {@code {"option_name","option_value"}}, or 61012 (unknown option)
     */
    public synchronized Map<String, Object> ownOption(String authorizerAppid, String name) {
        return authorizers.get(authorizerAppid).options.get(name, clock.instant());
    }

    /**
     * {@code set_authorizer_option} (authorizer token, already checked with {@link #checkAccessToken}).
     *
     * @return {@code {"errcode":0,"errmsg":"ok"}}, or 61012 (unknown option), 61013 (bad value)
     */
    public synchronized Map<String, Object> setOwnOption(String authorizerAppid, String name, String value) {
        return authorizers.get(authorizerAppid).options.set(name, value, clock.instant());
    }

    /**
     * The checks an API about one account starts with; counts the call for the account when they pass.
     *
     * @return an error body (40013 for another platform, 61003 for an account not authorized now), or {@code null}
     */
    private Map<String, Object> refused(String appid, SandboxAuthorizer authorizer, String api, Instant now) {
        if (!componentAppid.equals(appid)) {
            return SandboxErrors.body(SandboxErrors.INVALID_APPID, now);
        }
        if (authorizer == null || !authorizer.authorized) {
            return SandboxErrors.body(SandboxErrors.NOT_AUTHORIZED, now);
        }
        authorizer.count(api);
        return null;
    }

    /**
     * Checks an authorizer access token as the APIs that take one ({@code ?access_token=}) do, and counts a call of
     * {@code api} for its account.
     *
     * @return the errcode (0 when usable: 41001 missing, 40014 not shaped like a token the sandbox issues, 40001
     *         unknown, superseded longer than {@link SandboxAuthorizerTokens#ACCESS_TOKEN_GRACE} ago, or of a
     *         withdrawn authorization,
     *         42001 past its expiry) and the token's account when it is known
     */
    public synchronized TokenCheck checkAccessToken(String token, String api) {
        return tokens.check(token, api, authorizers::get, clock.instant());
    }

    /**
     * {@link #checkAccessToken(String, String)} without counting a call: how the release tester judges the token a
     * message was sent with.
     */
    public synchronized TokenCheck checkAccessToken(String token) {
        return tokens.check(token, null, authorizers::get, clock.instant());
    }

    /** Whether the account authorizes the platform now (web authorization and mini-program login need it). */
    public synchronized boolean isAuthorized(String authorizerAppid) {
        SandboxAuthorizer authorizer = authorizers.get(authorizerAppid);
        return authorizer != null && authorizer.authorized;
    }

    /** When the account authorized (or last changed its authorization), if it ever did. */
    public synchronized Instant authTime(String authorizerAppid) {
        SandboxAuthorizer authorizer = authorizers.get(authorizerAppid);
        return authorizer == null ? null : authorizer.authTime;
    }

    /**
     * The authorizations as plain maps and lists for the control API's state view: per account its status,
     * permission sets, whether a refresh token exists, how many access tokens were issued, when the newest one
     * expires and the calls made for it; counts of codes. No token or code values.
     */
    public synchronized Map<String, Object> snapshot() {
        Instant now = clock.instant();
        Map<String, Object> view = new LinkedHashMap<>();
        List<Map<String, Object>> list = new ArrayList<>();
        for (SandboxAuthorizer a : authorizers.values()) {
            list.add(a.view(now));
        }
        view.put("authorizers", list);
        view.put("pre_auth_codes", preAuthCodes.counts(now));
        view.put("auth_codes", authCodes.counts(now));
        return view;
    }

    private void checkComponent(String appid) {
        if (!componentAppid.equals(appid)) {
            throw new Rejected(400, "component_appid " + (blank(appid) ? "is missing" : appid
                    + " is not the platform this sandbox simulates (" + componentAppid + ")") + ".");
        }
    }

    private SandboxAccount account(String appid, String field) {
        try {
            return accounts.account(appid);
        } catch (IllegalArgumentException e) {
            throw new Rejected(400, field + ": " + e.getMessage() + ".");
        }
    }

    private static List<Integer> checkFuncIds(List<Integer> ids) {
        if (ids.isEmpty()) {
            throw new Rejected(400, "No permission set was chosen: grant at least one.");
        }
        for (Integer id : ids) {
            if (id == null || id < 1 || id > SandboxFuncScopes.MAX_ID) {
                throw new Rejected(400, "Permission set id " + id + " is not a number from 1 to "
                        + SandboxFuncScopes.MAX_ID + ".");
            }
        }
        return List.copyOf(new LinkedHashSet<>(ids));
    }

    private SandboxAuthorizer known(String authorizerAppid) {
        SandboxAuthorizer authorizer = authorizerAppid == null ? null : authorizers.get(authorizerAppid);
        if (authorizer == null) {
            throw new Rejected(404, "The account " + authorizerAppid + " never authorized this platform.");
        }
        return authorizer;
    }

    private SandboxAuthorizer authorized(String authorizerAppid) {
        SandboxAuthorizer authorizer = known(authorizerAppid);
        if (!authorizer.authorized) {
            throw new Rejected(409, "The account " + authorizerAppid + " withdrew its authorization; "
                    + "it must authorize again first.");
        }
        return authorizer;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    /**
     * A merchant's approval.
     *
     * @param authCode the new authorization code
     * @param authorizerAppid the account that approved
     * @param redirectUrl where the merchant's browser goes, or {@code null} when no redirect URI is known
     * @param push the {@code authorized} or {@code updateauthorized} push to send
     */
    public record Approval(String authCode, String authorizerAppid, String redirectUrl,
            SandboxAuthorizationPush push) {

        @Override
        public String toString() {
            return "Approval[authorizerAppid=" + authorizerAppid + ", infoType=" + push.infoType() + "]";
        }
    }

    /**
     * The outcome of {@link #checkAccessToken}.
     *
     * @param errcode 0 when the token is usable
     * @param authorizerAppid the token's account, or {@code null} when the token is unknown
     */
    public record TokenCheck(int errcode, String authorizerAppid) {
    }

    /** A request the page or the control API refuses; nothing changed. */
    public static final class Rejected extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        private final int status;

        Rejected(int status, String message) {
            super(message);
            this.status = status;
        }

        /** The HTTP status to answer with: 400, 404 or 409. */
        public int status() {
            return status;
        }
    }
}
