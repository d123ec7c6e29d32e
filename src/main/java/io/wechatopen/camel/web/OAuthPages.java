package io.wechatopen.camel.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.wechatopen.camel.api.WeChatApiException;
import io.wechatopen.camel.api.WeChatHttpException;
import io.wechatopen.camel.api.WeChatUnreachableException;
import io.wechatopen.camel.client.SnsApiClient;
import io.wechatopen.camel.config.HttpSettings;
import io.wechatopen.camel.config.OAuthSettings;
import io.wechatopen.camel.html.HtmlEscaping;
import io.wechatopen.camel.model.AuthorizerRecord;
import io.wechatopen.camel.model.AuthorizerStatus;
import io.wechatopen.camel.model.OAuthAttempt;
import io.wechatopen.camel.store.AuthorizerStore;
import io.wechatopen.camel.store.OAuthStateStore;
import io.wechatopen.camel.token.Hashes;

/**
 * Web authorization (网页授权) on behalf of an authorized account, in the user's browser:
 * <ul>
 * <li>{@link #start}: {@code GET /accounts/{authorizer_appid}/oauth/start?scope=snsapi_base|snsapi_userinfo
 * &return_to=...}, only for an account AUTHORIZED in our store: a one-time, expiring {@code state} kept server-side
 * (hashed), then 302 to WeChat's OAuth page with {@code component_appid}.</li>
 * <li>{@link #callback}: {@code GET /accounts/{authorizer_appid}/oauth/callback}, WeChat's redirect: consumes the
 * state (once), exchanges the code with the component token ({@code /sns/oauth2/component/access_token}), for
 * {@code snsapi_userinfo} fetches the user's info, and hands the user to the integrator's
 * {@value #USER_RECEIVED}. Then a small result page, or 302 to the route's {@value #REDIRECT} header or to
 * {@code return_to}. An unknown, used or expired state, a refusal by the user or a failed exchange gets an error page
 * with a 4xx (503 when WeChat cannot be reached) and the integrator's route is not called.</li>
 * </ul>
 * The user's OAuth tokens are not stored: they go to the integrator's route in headers. Codes, states and tokens never
 * reach a log line.
 */
public final class OAuthPages {

    /** The integrator's route that receives each signed-in user. */
    public static final String USER_RECEIVED = "direct:wechat-oauth-user-received";
    /** Header the integrator's route may set: where to send the browser (a path here or under our public URL). */
    public static final String REDIRECT = "WeChatOAuthRedirect";

    static final String SCOPE_BASE = "snsapi_base";
    static final String SCOPE_USERINFO = "snsapi_userinfo";
    private static final Set<String> SCOPES = Set.of(SCOPE_BASE, SCOPE_USERINFO);
    private static final Logger LOG = LoggerFactory.getLogger(OAuthPages.class);

    private final List<String> componentAppids;
    private final HttpSettings http;
    private final OAuthSettings settings;
    private final AuthorizerStore authorizers;
    private final OAuthStateStore states;
    private final SnsApiClient sns;
    private final ProducerTemplate producer;
    private final Clock clock;
    private final Pattern path;
    private final SecureRandom random = new SecureRandom();

    public OAuthPages(List<String> componentAppids, HttpSettings http, OAuthSettings settings,
            AuthorizerStore authorizers, OAuthStateStore states, SnsApiClient sns, ProducerTemplate producer,
            Clock clock) {
        this.componentAppids = List.copyOf(componentAppids);
        this.http = http;
        this.settings = settings;
        this.authorizers = authorizers;
        this.states = states;
        this.sns = sns;
        this.producer = producer;
        this.clock = clock;
        this.path = Pattern.compile(Pattern.quote(http.contextPath()) + "/accounts/([A-Za-z0-9_]{1,32})/oauth/"
                + "(start|callback)");
    }

    @Handler
    public void start(Exchange exchange) {
        Message in = exchange.getMessage();
        String appid = appid(in);
        if (appid == null) {
            HtmlPages.reply(exchange, 404, error("Not found", "No such page: use /accounts/{appid}/oauth/start."));
            return;
        }
        String scope = param(in, "scope");
        scope = scope == null ? SCOPE_BASE : scope;
        String returnTo = param(in, "return_to");
        if (!SCOPES.contains(scope)) {
            HtmlPages.reply(exchange, 400, error("Cannot start the sign-in", "scope must be snsapi_base or"
                    + " snsapi_userinfo."));
            return;
        }
        if (returnTo != null && !ReturnTargets.isSafe(http.publicUrl(), returnTo)) {
            HtmlPages.reply(exchange, 400, error("Cannot start the sign-in", "return_to must be a path on this site"
                    + " or start with " + http.publicUrl()));
            return;
        }
        List<AuthorizerRecord> authorized = authorizers.findByAuthorizer(appid).stream()
                .filter(r -> componentAppids.contains(r.componentAppid()) && r.status() == AuthorizerStatus.AUTHORIZED)
                .toList();
        String component = param(in, "component");
        if (component != null) {
            final String named = component;
            authorized = authorized.stream().filter(r -> r.componentAppid().equals(named)).toList();
        }
        if (authorized.isEmpty()) {
            HtmlPages.reply(exchange, 404, error("Account not authorized", "The account " + appid
                    + " has not authorized this platform (or withdrew its authorization): sign-in on its behalf is"
                    + " not possible."));
            return;
        }
        if (authorized.size() > 1) {
            HtmlPages.reply(exchange, 400, error("Cannot start the sign-in", "The account authorized several"
                    + " platforms of this deployment: name one with the component parameter."));
            return;
        }
        component = authorized.get(0).componentAppid();
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        // WeChat allows only [a-zA-Z0-9] in state, up to 128 bytes.
        String state = HexFormat.of().formatHex(bytes);
        Instant now = clock.instant();
        states.save(Hashes.sha256Hex(state),
                new OAuthAttempt(component, appid, scope, returnTo, now, now.plus(settings.stateTtl())));

        String redirectUri = http.publicUrl() + http.contextPath() + "/accounts/" + appid + "/oauth/callback";
        String location = settings.authorizeUrl() + (settings.authorizeUrl().contains("?") ? "&" : "?") + "appid="
                + encode(appid) + "&redirect_uri=" + encode(redirectUri) + "&response_type=code&scope=" + scope
                + "&state=" + state + "&component_appid=" + encode(component) + "#wechat_redirect";
        HtmlPages.reply(exchange, 302, HtmlPages.page("Continue on WeChat", "redirect-title",
                "<p><a href=\"" + HtmlEscaping.escape(location) + "\">Continue on WeChat</a></p>"));
        exchange.getMessage().setHeader("Location", location);
        exchange.getMessage().setHeader("Referrer-Policy", "origin");
    }

    @Handler
    public void callback(Exchange exchange) {
        Message in = exchange.getMessage();
        String appid = appid(in);
        String state = param(in, "state");
        String code = param(in, "code");
        if (appid == null) {
            HtmlPages.reply(exchange, 404, error("Not found", "No such page."));
            return;
        }
        if (state == null) {
            HtmlPages.reply(exchange, 400, error("Sign-in not recognised", "The link has no state: start the"
                    + " sign-in from this platform."));
            return;
        }
        OAuthStateStore.Consumed consumed = states.consume(Hashes.sha256Hex(state), appid, clock.instant());
        switch (consumed.outcome()) {
            case UNKNOWN -> {
                HtmlPages.reply(exchange, 400, error("Sign-in not recognised", "This link was not issued by this"
                        + " platform (unknown state)."));
                return;
            }
            case ALREADY_USED -> {
                HtmlPages.reply(exchange, 409, error("Sign-in link already used", "Each sign-in link works once."
                        + " Start again if you need to."));
                return;
            }
            case EXPIRED -> {
                HtmlPages.reply(exchange, 410, error("Sign-in link expired", "The sign-in took too long. Start"
                        + " again."));
                return;
            }
            default -> {
            }
        }
        OAuthAttempt attempt = consumed.attempt().orElseThrow();
        if (code == null) {
            // WeChat redirects without a code when the user refused (网页授权: "用户禁止授权，则不会带上code参数").
            HtmlPages.reply(exchange, 403, error("Sign-in declined", "WeChat sent no code: the sign-in was not"
                    + " allowed."));
            return;
        }
        Map<String, Object> tokens;
        Map<String, Object> user;
        try {
            tokens = sns.oauthAccessToken(attempt.componentAppid(), appid, code);
            String scope = String.valueOf(tokens.getOrDefault("scope", attempt.scope()));
            String openid = String.valueOf(tokens.get("openid"));
            if (scope.contains(SCOPE_USERINFO)) {
                user = new LinkedHashMap<>(sns.userInfo(String.valueOf(tokens.get("access_token")), openid));
            } else {
                user = new LinkedHashMap<>();
                user.put("openid", openid);
                if (tokens.get("unionid") != null) {
                    user.put("unionid", tokens.get("unionid"));
                }
            }
        } catch (WeChatApiException e) {
            LOG.warn("OAuth callback for {}: {}", appid, e.getMessage());
            HtmlPages.reply(exchange, e.isTransient() ? 503 : 400, error("Sign-in failed", explain(e.getErrcode())));
            return;
        } catch (WeChatUnreachableException | WeChatHttpException e) {
            LOG.warn("OAuth callback for {}: WeChat could not be reached: {}", appid, e.getMessage());
            HtmlPages.reply(exchange, 503, error("Sign-in failed", "WeChat could not be reached. Try again"
                    + " shortly."));
            return;
        }
        deliver(exchange, attempt, tokens, user);
    }

    /** Hands the user to the integrator's route; its outcome decides the answer. */
    private void deliver(Exchange exchange, OAuthAttempt attempt, Map<String, Object> tokens,
            Map<String, Object> user) {
        String openid = String.valueOf(tokens.get("openid"));
        String scope = String.valueOf(tokens.getOrDefault("scope", attempt.scope()));
        Object unionid = user.get("unionid") != null ? user.get("unionid") : tokens.get("unionid");
        Exchange result = producer.send(USER_RECEIVED, e -> {
            Message m = e.getMessage();
            m.setHeader("WeChatAuthorizerAppid", attempt.authorizerAppid());
            m.setHeader("WeChatComponentAppid", attempt.componentAppid());
            m.setHeader("WeChatOpenid", openid);
            m.setHeader("WeChatOAuthScope", scope);
            if (unionid != null) {
                m.setHeader("WeChatUnionid", String.valueOf(unionid));
            }
            m.setHeader("WeChatOAuthAccessToken", tokens.get("access_token"));
            m.setHeader("WeChatOAuthRefreshToken", tokens.get("refresh_token"));
            m.setHeader("WeChatOAuthExpiresIn", tokens.get("expires_in"));
            if (attempt.returnTo() != null) {
                m.setHeader("WeChatReturnTo", attempt.returnTo());
            }
            m.setBody(user);
        });
        Integer status = result.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (result.getException() != null || (status != null && status >= 400)) {
            LOG.warn("OAuth callback for {}: {} failed: {}", attempt.authorizerAppid(), USER_RECEIVED,
                    result.getException() == null ? "status " + status : result.getException().getMessage());
            HtmlPages.reply(exchange, 500, error("Sign-in not completed", "The platform could not complete the"
                    + " sign-in. Try again shortly."));
            return;
        }
        String target = result.getMessage().getHeader(REDIRECT, String.class);
        if (target == null || !ReturnTargets.isSafe(http.publicUrl(), target)) {
            if (target != null) {
                LOG.warn("OAuth callback for {}: header {} ignored: not a path here or under {}",
                        attempt.authorizerAppid(), REDIRECT, http.publicUrl());
            }
            target = attempt.returnTo();
        }
        if (target != null) {
            HtmlPages.reply(exchange, 302, HtmlPages.page("Signed in", "signed-in-title",
                    "<p><a href=\"" + HtmlEscaping.escape(target) + "\">Continue</a></p>"));
            exchange.getMessage().setHeader("Location", target);
            return;
        }
        Object nickname = user.get("nickname");
        HtmlPages.reply(exchange, 200, HtmlPages.page("Signed in with WeChat", "signed-in-title",
                "<p>Signed in as <code id=\"openid\">" + HtmlEscaping.escape(openid) + "</code>"
                        + (nickname == null ? "" : " (<strong id=\"nickname\">"
                                + HtmlEscaping.escape(String.valueOf(nickname)) + "</strong>)")
                        + " for the account <code id=\"account-appid\">"
                        + HtmlEscaping.escape(attempt.authorizerAppid()) + "</code>, scope <span id=\"scope\">"
                        + HtmlEscaping.escape(scope) + "</span>.</p>"));
    }

    /** Deletes the states of sign-ins that expired (used or not). */
    public int purgeExpiredStates() {
        int deleted = states.deleteExpired(clock.instant());
        if (deleted > 0) {
            LOG.info("Deleted {} expired OAuth states", deleted);
        }
        return deleted;
    }

    private static String explain(int errcode) {
        return switch (errcode) {
            case 40029 -> "WeChat says the code is invalid (40029). Start the sign-in again.";
            case 40163 -> "WeChat says the code was already used (40163). Start the sign-in again.";
            case 42003 -> "WeChat says the code has expired (42003). Start the sign-in again.";
            case 61003 -> "The account no longer authorizes this platform (61003).";
            case -1 -> "WeChat is busy (-1). Try again shortly.";
            default -> "WeChat refused the sign-in (errcode " + errcode + "). Start again.";
        };
    }

    private static String error(String title, String message) {
        return HtmlPages.page(title, "error-title", "<p class=\"error\" id=\"error\">" + HtmlEscaping.escape(message)
                + "</p>");
    }

    /** The account's appid from the request path, or {@code null} when the path is not one of ours. */
    private String appid(Message in) {
        String uri = in.getHeader(Exchange.HTTP_URI, String.class);
        Matcher matcher = path.matcher(uri == null ? "" : uri.replaceFirst("\\?.*$", ""));
        return matcher.matches() ? matcher.group(1) : null;
    }

    private static String param(Message in, String name) {
        String value = in.getHeader(name, String.class);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
