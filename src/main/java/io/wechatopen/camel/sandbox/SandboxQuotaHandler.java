package io.wechatopen.camel.sandbox;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The sandbox's quota APIs (protocol §4.10), with the admission, faults and replies of {@link SandboxApiHandler}.
 * <ul>
 * <li>{@code POST /cgi-bin/openapi/quota/get?access_token=...} body {@code {"cgi_path"}}: with the component token,
 * the platform's quota of a component API; with an authorizer token, that account's quota of an account API, plus
 * {@code component_rate_limit}. {@code used} is the sandbox's count of calls of that API (the account's own calls
 * for an authorizer token) since the sandbox started or the target's last reset; {@code daily_limit} is
 * {@code wechat.sandbox.quota-daily-limit} (default {@value #DEFAULT_DAILY_LIMIT}). Errors as WeChat: the token's
 * (41001, 40001, 42001, 40014), 47001 for a body that is not JSON, 76003 for a path without its leading {@code /} or
 * with the host, 76021 for an API the sandbox does not serve, 76022 for an API of the other kind of account than the
 * token's.</li>
 * <li>{@code POST /cgi-bin/component/clear_quota/v2} body {@code {component_appid, appsecret[, appid]}}: no token;
 * 41004 without appsecret, 41018 without component_appid, 40013 for another platform or an {@code appid} that has not
 * authorized it, 40125 for a wrong secret, 48006 after 10 resets of the same account in a calendar month (Beijing
 * time); otherwise the target's counts start again from zero.</li>
 * </ul>
 */
public final class SandboxQuotaHandler {

    /** The default {@code daily_limit} the sandbox reports. */
    public static final long DEFAULT_DAILY_LIMIT = 10_000;
    /** WeChat's budget of resets per account and calendar month. */
    static final int MONTHLY_RESETS = 10;

    private static final ZoneOffset WECHAT_TIME = ZoneOffset.ofHours(8);
    /** The component APIs, by cgi_path, with the sandbox's name for each (its {@code calls} key). */
    private static final Map<String, String> COMPONENT_APIS = apis("/cgi-bin/component/",
            SandboxFaults.API_COMPONENT_TOKEN, SandboxFaults.API_START_PUSH_TICKET,
            SandboxFaults.API_CREATE_PREAUTHCODE, SandboxFaults.API_QUERY_AUTH, SandboxFaults.API_AUTHORIZER_TOKEN,
            SandboxFaults.API_GET_AUTHORIZER_INFO, SandboxFaults.API_GET_AUTHORIZER_LIST,
            SandboxFaults.API_GET_AUTHORIZER_OPTION, SandboxFaults.API_SET_AUTHORIZER_OPTION);
    /** The account APIs the sandbox serves for an authorizer token. */
    private static final Map<String, String> ACCOUNT_APIS = Map.of("/cgi-bin/message/custom/send", SandboxFaults.SEND,
            "/cgi-bin/user/info", SandboxFaults.USER_INFO, "/cgi-bin/getcallbackip", SandboxFaults.GETCALLBACKIP,
            "/cgi-bin/component/get_authorizer_option", SandboxFaults.GET_AUTHORIZER_OPTION,
            "/cgi-bin/component/set_authorizer_option", SandboxFaults.SET_AUTHORIZER_OPTION);
    private static final String QUOTA_PATH = "/cgi-bin/openapi/quota/get";

    private final SandboxState state;
    private final SandboxApiHandler api;
    private final long dailyLimit;
    /** Per target appid: the calls per API at its last reset. */
    private final Map<String, Map<String, Long>> baselines = new HashMap<>();
    /** Per target appid and month: the resets done. */
    private final Map<String, Integer> resets = new HashMap<>();

    public SandboxQuotaHandler(SandboxState state, SandboxApiHandler api, long dailyLimit) {
        this.state = state;
        this.api = api;
        this.dailyLimit = dailyLimit;
    }

    private static Map<String, String> apis(String prefix, String... names) {
        Map<String, String> apis = new HashMap<>();
        for (String name : names) {
            apis.put(prefix + name, name);
        }
        return Map.copyOf(apis);
    }

    /** {@code getApiQuota}. */
    public void quota(Exchange exchange) {
        if (api.faulted(exchange)) {
            return;
        }
        Instant now = state.clock().instant();
        String token = SandboxForm.parse(exchange.getMessage().getHeader(Exchange.HTTP_RAW_QUERY, String.class))
                .first("access_token");
        int componentCheck = state.checkComponentToken(token);
        String account = null;
        if (componentCheck != SandboxErrors.OK) {
            SandboxAuthorizations.TokenCheck check = state.authorizations().checkAccessToken(token,
                    SandboxFaults.QUOTA_GET);
            if (check.errcode() != SandboxErrors.OK) {
                int errcode = componentCheck != SandboxErrors.INVALID_CREDENTIAL ? componentCheck : check.errcode();
                api.reply(exchange, SandboxErrors.body(errcode, now));
                return;
            }
            account = check.authorizerAppid();
        }
        JsonNode body = SandboxApiHandler.json(exchange);
        if (body == null) {
            api.reply(exchange, SandboxErrors.body(SandboxErrors.DATA_FORMAT_ERROR, now));
            return;
        }
        String path = SandboxApiHandler.text(body, "cgi_path");
        if (path == null || !path.startsWith("/")) {
            api.reply(exchange, SandboxErrors.body(SandboxErrors.INVALID_CGI_PATH, now));
            return;
        }
        String name = path.equals(QUOTA_PATH) ? SandboxFaults.QUOTA_GET
                : account == null ? COMPONENT_APIS.get(path) : ACCOUNT_APIS.get(path);
        if (name == null) {
            boolean known = COMPONENT_APIS.containsKey(path) || ACCOUNT_APIS.containsKey(path);
            api.reply(exchange, SandboxErrors.body(known ? SandboxErrors.CGI_PATH_NO_PERMISSION
                    : SandboxErrors.CGI_PATH_NOT_FOUND, now));
            return;
        }
        String target = account == null ? state.component().appid() : account;
        long used = Math.max(0, calls(account, name) - baseline(target, name));
        Map<String, Object> reply = SandboxErrors.ok("ok");
        Map<String, Object> quota = new LinkedHashMap<>();
        quota.put("daily_limit", dailyLimit);
        quota.put("used", used);
        quota.put("remain", Math.max(0, dailyLimit - used));
        reply.put("quota", quota);
        reply.put("rate_limit", Map.of("call_count", 100, "refresh_second", 60));
        if (account != null) {
            reply.put("component_rate_limit", Map.of("call_count", 50, "refresh_second", 60));
        }
        api.reply(exchange, reply);
    }

    /** {@code clear_quota/v2}. */
    public void clear(Exchange exchange) {
        if (api.faulted(exchange)) {
            return;
        }
        Instant now = state.clock().instant();
        JsonNode body = SandboxApiHandler.json(exchange);
        if (body == null) {
            api.reply(exchange, SandboxErrors.body(SandboxErrors.DATA_FORMAT_ERROR, now));
            return;
        }
        String componentAppid = SandboxApiHandler.text(body, "component_appid");
        String secret = SandboxApiHandler.text(body, "appsecret");
        String appid = SandboxApiHandler.text(body, "appid");
        int errcode = secret == null || secret.isEmpty() ? SandboxErrors.APPSECRET_MISSING
                : componentAppid == null || componentAppid.isEmpty() ? SandboxErrors.COMPONENT_APPID_MISSING
                        : !state.component().appid().equals(componentAppid) ? SandboxErrors.INVALID_APPID
                                : !state.secretMatches(secret) ? SandboxErrors.INVALID_APPSECRET
                                        : appid != null && !authorized(appid) ? SandboxErrors.INVALID_APPID
                                                : SandboxErrors.OK;
        if (errcode == SandboxErrors.OK) {
            errcode = reset(appid == null ? componentAppid : appid, appid, now);
        }
        api.reply(exchange, errcode == SandboxErrors.OK ? SandboxErrors.ok("ok") : SandboxErrors.body(errcode, now));
    }

    private synchronized int reset(String target, String account, Instant now) {
        String key = target + "@" + YearMonth.from(now.atOffset(WECHAT_TIME));
        int done = resets.getOrDefault(key, 0);
        if (done >= MONTHLY_RESETS) {
            return SandboxErrors.CLEAR_QUOTA_LIMIT;
        }
        resets.put(key, done + 1);
        Map<String, Long> baseline = new HashMap<>();
        for (String name : allNames()) {
            baseline.put(name, calls(account, name));
        }
        baselines.put(target, baseline);
        return SandboxErrors.OK;
    }

    private synchronized long baseline(String target, String name) {
        return baselines.getOrDefault(target, Map.of()).getOrDefault(name, 0L);
    }

    private static List<String> allNames() {
        List<String> names = new ArrayList<>(COMPONENT_APIS.values());
        names.addAll(ACCOUNT_APIS.values());
        names.add(SandboxFaults.QUOTA_GET);
        return names;
    }

    /** The calls of an API: the sandbox's for the platform, the account's own for an account. */
    private long calls(String account, String name) {
        if (account == null) {
            return state.calls(name);
        }
        Map<String, Object> authorizer = authorizer(account);
        if (authorizer == null || !(authorizer.get("calls") instanceof Map<?, ?> calls)) {
            return 0;
        }
        return calls.get(name) instanceof Number n ? n.longValue() : 0;
    }

    private boolean authorized(String appid) {
        Map<String, Object> authorizer = authorizer(appid);
        return authorizer != null && SandboxAuthorizations.STATUS_AUTHORIZED.equals(authorizer.get("status"));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> authorizer(String appid) {
        Object list = state.authorizations().snapshot().get("authorizers");
        if (list instanceof List<?> authorizers) {
            for (Object each : authorizers) {
                if (each instanceof Map<?, ?> map && appid.equals(map.get("appid"))) {
                    return (Map<String, Object>) map;
                }
            }
        }
        return null;
    }
}
