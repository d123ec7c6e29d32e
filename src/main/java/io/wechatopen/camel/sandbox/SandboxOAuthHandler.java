package io.wechatopen.camel.sandbox;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.apache.camel.Exchange;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Serves web authorization (网页授权) and mini-program login on behalf of accounts over HTTP, delegating to
 * {@link SandboxOAuth}:
 * <ul>
 * <li>the authorization page {@code GET /connect/oauth2/authorize} and its links {@code allow} / {@code deny}, which
 * redirect to {@code redirect_uri?code=CODE&state=STATE&appid=APPID} (without {@code code} on deny);</li>
 * <li>{@code GET /sns/oauth2/component/access_token}, {@code /sns/oauth2/component/refresh_token},
 * {@code /sns/component/jscode2session} (component token) and {@code /sns/userinfo} (the user's OAuth token);</li>
 * <li>the control {@code POST /sandbox/miniprogram/{appid}/js-code}: {@code {"js_code"}}, as {@code wx.login} gives
 * a mini-program.</li>
 * </ul>
 * The component APIs check in WeChat's order: injected fault, component token (41001/40001/42001),
 * {@code component_appid} (61011), {@code appid} (40013), authorization (61003), {@code grant_type} (40002), then the
 * code or token.
 */
public final class SandboxOAuthHandler {

    static final String MINIPROGRAM_PATH = "/sandbox/miniprogram/";
    private static final Set<String> SCOPES = Set.of("snsapi_base", "snsapi_userinfo");

    private final SandboxState state;
    private final SandboxApiHandler api;
    private final ObjectMapper mapper;

    public SandboxOAuthHandler(SandboxState state, SandboxApiHandler api, ObjectMapper mapper) {
        this.state = state;
        this.api = api;
        this.mapper = mapper;
    }

    /** {@code GET /connect/oauth2/authorize}: the page, or WeChat's error page. */
    public void showPage(Exchange exchange) {
        SandboxForm query = query(exchange);
        String problem = pageProblem(query);
        if (problem != null) {
            SandboxReply.html(exchange, 400, SandboxOAuthPage.error(problem));
            return;
        }
        String raw = exchange.getMessage().getHeader(Exchange.HTTP_RAW_QUERY, String.class);
        SandboxReply.html(exchange, 200, SandboxOAuthPage.authorize(
                state.authorizations().accounts().account(query.first("appid")), query.first("scope"), raw));
    }

    /** {@code GET /connect/oauth2/authorize/confirm?...&decision=allow|deny}: the user's answer, a 302. */
    public void confirm(Exchange exchange) {
        SandboxForm query = query(exchange);
        String problem = pageProblem(query);
        if (problem != null) {
            SandboxReply.html(exchange, 400, SandboxOAuthPage.error(problem));
            return;
        }
        String appid = query.first("appid");
        String redirectUri = query.first("redirect_uri");
        StringBuilder location = new StringBuilder(redirectUri).append(redirectUri.contains("?") ? '&' : '?');
        if ("allow".equals(query.first("decision"))) {
            location.append("code=").append(state.oauth().mintCode(appid, query.first("scope"))).append('&');
        }
        String stateParam = query.first("state");
        location.append("state=").append(stateParam == null ? "" : encode(stateParam)).append("&appid=")
                .append(appid);
        SandboxReply.redirect(exchange, location.toString(), SandboxAuthorizationPage.redirecting(
                location.toString()));
    }

    /** Why WeChat would refuse to show the page, or {@code null}. */
    private String pageProblem(SandboxForm query) {
        String appid = query.first("appid");
        String redirectUri = query.first("redirect_uri");
        String scope = query.first("scope");
        if (!SandboxAccounts.isAppid(appid)) {
            return "appid 参数错误 (invalid appid)";
        }
        if (!state.component().appid().equals(query.first("component_appid"))) {
            return "component_appid 参数错误 (not this platform)";
        }
        if (!"code".equals(query.first("response_type"))) {
            return "response_type 参数错误 (must be code)";
        }
        if (scope == null || !List.of(scope.split(",")).stream().allMatch(SCOPES::contains)) {
            return "scope 参数错误或没有 scope 权限 (snsapi_base or snsapi_userinfo)";
        }
        if (!isHttpUrl(redirectUri)) {
            return "redirect_uri 参数错误 (an http or https URL)";
        }
        if (!state.authorizations().isAuthorized(appid)) {
            return "该公众号未授权给此第三方平台 (the account has not authorized this platform, 61003)";
        }
        return null;
    }

    /** {@code GET /sns/oauth2/component/access_token}. */
    public void accessToken(Exchange exchange) {
        componentApi(exchange, "authorization_code", query -> state.oauth()
                .exchangeCode(query.first("appid"), query.first("code")));
    }

    /** {@code GET /sns/oauth2/component/refresh_token}. */
    public void refreshToken(Exchange exchange) {
        componentApi(exchange, "refresh_token", query -> state.oauth()
                .refresh(query.first("appid"), query.first("refresh_token")));
    }

    /** {@code GET /sns/component/jscode2session}. */
    public void jscode2session(Exchange exchange) {
        componentApi(exchange, "authorization_code", query -> state.oauth()
                .jscode2session(query.first("appid"), query.first("js_code")));
    }

    /** {@code GET /sns/userinfo?access_token=&openid=&lang=}. */
    public void userInfo(Exchange exchange) {
        if (api.faulted(exchange)) {
            return;
        }
        SandboxForm query = query(exchange);
        api.reply(exchange, state.oauth().userInfo(query.first("access_token"), query.first("openid")));
    }

    /** {@code POST /sandbox/miniprogram/{appid}/js-code}: {@code {"js_code"}}. */
    public void mintJsCode(Exchange exchange) {
        String path = exchange.getMessage().getHeader(Exchange.HTTP_URI, String.class);
        String[] parts = path == null || !path.startsWith(MINIPROGRAM_PATH) ? new String[0]
                : path.substring(MINIPROGRAM_PATH.length()).replaceFirst("\\?.*$", "").split("/");
        if (parts.length != 2 || !"js-code".equals(parts[1])) {
            SandboxReply.json(exchange, mapper, 404, SandboxReply.JSON,
                    Map.of("error", "use POST /sandbox/miniprogram/{appid}/js-code"));
            return;
        }
        if (!SandboxAccounts.isAppid(parts[0])) {
            SandboxReply.json(exchange, mapper, 400, SandboxReply.JSON,
                    Map.of("error", "'" + parts[0] + "' is not an appid (wx followed by letters and digits)"));
            return;
        }
        SandboxReply.json(exchange, mapper, 200, SandboxReply.JSON,
                Map.of("js_code", state.oauth().mintJsCode(parts[0])));
    }

    private void componentApi(Exchange exchange, String grantType,
            Function<SandboxForm, Map<String, Object>> call) {
        if (api.faulted(exchange)) {
            return;
        }
        SandboxForm query = query(exchange);
        Instant now = state.clock().instant();
        int token = state.checkComponentToken(query.first("component_access_token"));
        String appid = query.first("appid");
        Map<String, Object> reply;
        if (token != SandboxErrors.OK) {
            reply = SandboxErrors.body(token, now);
        } else if (!state.component().appid().equals(query.first("component_appid"))) {
            reply = SandboxErrors.body(SandboxErrors.INVALID_COMPONENT, now);
        } else if (!SandboxAccounts.isAppid(appid)) {
            reply = SandboxErrors.body(SandboxErrors.INVALID_APPID, now);
        } else if (!state.authorizations().isAuthorized(appid)) {
            reply = SandboxErrors.body(SandboxErrors.NOT_AUTHORIZED, now);
        } else if (!grantType.equals(query.first("grant_type"))) {
            reply = SandboxErrors.body(SandboxErrors.INVALID_GRANT_TYPE, now);
        } else {
            reply = call.apply(query);
        }
        api.reply(exchange, reply);
    }

    private static boolean isHttpUrl(String value) {
        if (value == null) {
            return false;
        }
        try {
            URI uri = URI.create(value);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static SandboxForm query(Exchange exchange) {
        try {
            return SandboxForm.parse(exchange.getMessage().getHeader(Exchange.HTTP_RAW_QUERY, String.class));
        } catch (IllegalArgumentException e) {
            return SandboxForm.parse(null);
        }
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }
}
