package io.wechatopen.camel.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Pattern;

import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.wechatopen.camel.api.ComponentApiClient;
import io.wechatopen.camel.api.dto.PreAuthCodeResponse;
import io.wechatopen.camel.config.AuthorizeSettings;
import io.wechatopen.camel.config.HttpSettings;
import io.wechatopen.camel.html.HtmlEscaping;
import io.wechatopen.camel.model.AuthorizationState;
import io.wechatopen.camel.model.AuthorizerRecord;
import io.wechatopen.camel.store.AuthorizationStateStore;
import io.wechatopen.camel.token.AuthorizationExchanger;
import io.wechatopen.camel.token.AuthorizationFailedException;
import io.wechatopen.camel.token.Hashes;

/**
 * The browser side of authorization:
 * <ul>
 * <li>{@link #entry}: {@code GET /authorize}, the page with the button (passes {@code component} (which platform,
 * default the primary one), {@code auth_type}, {@code biz_appid}, {@code category_id_list}, {@code return_to} and
 * {@code mobile} on).</li>
 * <li>{@link #start}: {@code GET /authorize/start}, a fresh {@code pre_auth_code} per attempt and a one-time,
 * expiring, unguessable {@code state} kept server-side (hashed), then 302 to WeChat's page.</li>
 * <li>{@link #callback}: {@code GET /authorize/callback}, checks and consumes the state, exchanges the code
 * (shared with the {@code authorized} push: one exchange per code) and shows the account, or 302 to
 * {@code return_to}. A refusal: an error page with a 4xx (503 when WeChat is unreachable) and nothing stored; an
 * exchange whose outcome is unknown (WeChat's answer lost): 202 "Authorization received", finished in the
 * background.</li>
 * </ul>
 * Codes, states and tokens never reach a log line.
 */
public final class AuthorizationPages {

    private static final Pattern AUTH_TYPE = Pattern.compile("[1-8]");
    private static final Pattern APPID = Pattern.compile("[A-Za-z0-9_]{1,32}");
    private static final Pattern CATEGORY_IDS = Pattern.compile("[0-9]{1,4}(\\|[0-9]{1,4}){0,63}");
    private static final Logger LOG = LoggerFactory.getLogger(AuthorizationPages.class);

    private final java.util.List<String> componentAppids;
    private final HttpSettings http;
    private final AuthorizeSettings authorize;
    private final ComponentApiClient api;
    private final AuthorizationStateStore states;
    private final AuthorizationExchanger exchanger;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param componentAppids the platforms of this deployment, the default one (used without a {@code component}
     *        parameter) first
     */
    public AuthorizationPages(java.util.List<String> componentAppids, HttpSettings http, AuthorizeSettings authorize,
            ComponentApiClient api, AuthorizationStateStore states, AuthorizationExchanger exchanger,
            ObjectMapper mapper, Clock clock) {
        this.componentAppids = java.util.List.copyOf(componentAppids);
        this.http = http;
        this.authorize = authorize;
        this.api = api;
        this.states = states;
        this.exchanger = exchanger;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** The attempt's options, validated. */
    private record Options(String component, String authType, String bizAppid, String categoryIds, String returnTo,
            boolean mobile, boolean componentGiven) {

        String query() {
            StringBuilder q = new StringBuilder();
            if (componentGiven) {
                append(q, "component", component);
            }
            append(q, "auth_type", authType);
            append(q, "biz_appid", bizAppid);
            append(q, "category_id_list", categoryIds);
            append(q, "return_to", returnTo);
            if (mobile) {
                append(q, "mobile", "1");
            }
            return q.toString();
        }
    }

    @Handler
    public void entry(Exchange exchange) {
        Options options = optionsOrBadRequest(exchange);
        if (options == null) {
            return;
        }
        String query = options.query();
        String start = http.contextPath() + "/authorize/start" + (query.isEmpty() ? "" : "?" + query);
        HtmlPages.reply(exchange, 200, HtmlPages.page("Authorize your official account", "authorize-title",
                "<p>Authorize this platform to manage your WeChat official account. You will be sent to WeChat,"
                        + " where the account's administrator confirms.</p>"
                        + "<p><a id=\"authorize\" class=\"button\" referrerpolicy=\"origin\" href=\""
                        + HtmlEscaping.escape(start) + "\">Authorize on WeChat</a></p>"));
    }

    /** The client's address (without port) as Netty saw it, for the per-client rate limit of starts. */
    public String clientAddress(@org.apache.camel.Header("CamelNettyRemoteAddress") Object remote) {
        if (remote instanceof java.net.InetSocketAddress address) {
            return address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
        }
        return String.valueOf(remote);
    }

    /** The 429 answer when {@code /authorize/start} is asked too often (each start costs a pre_auth_code). */
    @Handler
    public void tooManyStarts(Exchange exchange) {
        HtmlPages.reply(exchange, 429, error("Too many authorization attempts",
                "Authorizations were started too often from here. Wait a minute, then try again.", true));
        exchange.getMessage().setHeader("Retry-After", "60");
    }

    @Handler
    public void start(Exchange exchange) {
        Options options = optionsOrBadRequest(exchange);
        if (options == null) {
            return;
        }
        PreAuthCodeResponse preAuth;
        try {
            preAuth = api.createPreAuthCode(options.component());
        } catch (RuntimeException e) {
            LOG.warn("Could not create a pre_auth_code for component {}: {}", options.component(), e.getMessage());
            HtmlPages.reply(exchange, 503, error("WeChat is not available right now",
                    "The platform could not start an authorization (" + e.getMessage() + "). Try again shortly.",
                    true));
            return;
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String state = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant now = clock.instant();
        states.save(Hashes.sha256Hex(state), new AuthorizationState(options.component(), preAuth.preAuthCode(),
                options.returnTo(), now, now.plus(authorize.stateTtl())));

        String redirectUri = http.publicUrl() + http.contextPath() + "/authorize/callback?state=" + state;
        StringBuilder location = new StringBuilder(options.mobile() ? authorize.mobilePageUrl()
                : authorize.pageUrl());
        location.append(location.indexOf("?") < 0 ? "?" : "&");
        StringBuilder q = new StringBuilder();
        if (options.mobile()) {
            append(q, "action", "bindcomponent");
            append(q, "no_scan", "1");
        }
        append(q, "component_appid", options.component());
        append(q, "pre_auth_code", preAuth.preAuthCode());
        append(q, "redirect_uri", redirectUri);
        append(q, "auth_type", options.authType() == null && options.mobile() ? "3" : options.authType());
        append(q, "biz_appid", options.bizAppid());
        append(q, "category_id_list", options.categoryIds());
        location.append(q);
        if (options.mobile()) {
            location.append("#wechat_redirect");
        }
        HtmlPages.reply(exchange, 302, HtmlPages.page("Continue on WeChat", "redirect-title",
                "<p><a href=\"" + HtmlEscaping.escape(location.toString()) + "\">Continue on WeChat</a></p>"));
        exchange.getMessage().setHeader("Location", location.toString());
        exchange.getMessage().setHeader("Referrer-Policy", "origin");
    }

    @Handler
    public void callback(Exchange exchange) {
        Message in = exchange.getMessage();
        String state = in.getHeader("state", String.class);
        String code = in.getHeader("auth_code", String.class);
        if (state == null || state.isBlank()) {
            HtmlPages.reply(exchange, 400, error("Authorization not recognised",
                    "The link has no state: start the authorization from this platform's page.", true));
            return;
        }
        if (code == null || code.isBlank()) {
            HtmlPages.reply(exchange, 400, error("Authorization not completed",
                    "WeChat sent no authorization code: the authorization was not confirmed.", true));
            return;
        }
        AuthorizationStateStore.Consumed consumed = states.consume(Hashes.sha256Hex(state), clock.instant());
        switch (consumed.outcome()) {
            case UNKNOWN -> {
                HtmlPages.reply(exchange, 400, error("Authorization not recognised",
                        "This link was not issued by this platform (unknown state).", true));
                return;
            }
            case ALREADY_USED -> {
                HtmlPages.reply(exchange, 409, error("Authorization link already used",
                        "Each authorization link works once. Start again if you need to.", true));
                return;
            }
            case EXPIRED -> {
                HtmlPages.reply(exchange, 410, error("Authorization link expired",
                        "The authorization took too long. Start again.", true));
                return;
            }
            default -> {
            }
        }
        AuthorizationState attempt = consumed.state().orElseThrow();
        AuthorizerRecord record;
        try {
            record = exchanger.exchange(attempt.componentAppid(), code);
        } catch (AuthorizationFailedException e) {
            if (e.isOutcomeUnknown()) {
                // WeChat may well have authorized the account (its answer was lost, or the store was busy): the
                // authorized push and the reconciliation finish it, so the owner must not be told it failed.
                LOG.warn("Authorization callback: outcome not known yet: {}", e.getMessage());
                HtmlPages.reply(exchange, 202, HtmlPages.page("Authorization received", "finishing-title",
                        "<p id=\"finishing\">WeChat has received your authorization. This platform is finishing"
                                + " it; nothing more is needed from you. If the account does not appear within a few"
                                + " minutes, contact the platform.</p>"));
                return;
            }
            boolean refused = e.getErrcode() != null && e.getErrcode() != -1;
            LOG.warn("Authorization callback failed: {}", e.getMessage());
            HtmlPages.reply(exchange, refused ? 400 : 503, error("Authorization failed",
                    refused ? explain(e.getErrcode()) : "WeChat could not be reached. Try again shortly.", true));
            return;
        }
        if (attempt.returnTo() != null) {
            String target = attempt.returnTo() + (attempt.returnTo().contains("?") ? "&" : "?") + "authorizer_appid="
                    + encode(record.authorizerAppid());
            HtmlPages.reply(exchange, 302, HtmlPages.page("Authorized", "authorized-title",
                    "<p><a href=\"" + HtmlEscaping.escape(target) + "\">Continue</a></p>"));
            exchange.getMessage().setHeader("Location", target);
            return;
        }
        String name = nickName(record);
        HtmlPages.reply(exchange, 200, HtmlPages.page("Authorization complete", "authorized-title",
                "<p>The official account <strong id=\"account-name\">" + HtmlEscaping.escape(name)
                        + "</strong> (<code id=\"account-appid\">" + HtmlEscaping.escape(record.authorizerAppid())
                        + "</code>) has authorized this platform.</p>"
                        + "<p>Permission sets granted: <span id=\"func-info\">"
                        + HtmlEscaping.escape(record.funcInfo().toString()) + "</span></p>"));
    }

    /** Deletes the states of attempts that expired (used or not); run by the hourly reconciliation. */
    public int purgeExpiredStates() {
        int deleted = states.deleteExpired(clock.instant());
        if (deleted > 0) {
            LOG.info("Deleted {} expired authorization states", deleted);
        }
        return deleted;
    }

    private String nickName(AuthorizerRecord record) {
        try {
            JsonNode info = mapper.readTree(record.infoJson());
            String nick = info.path("nick_name").asText("");
            return nick.isEmpty() ? record.authorizerAppid() : nick;
        } catch (java.io.IOException e) {
            return record.authorizerAppid();
        }
    }

    private static String explain(Integer errcode) {
        return switch (errcode) {
            case 61009 -> "WeChat says the authorization code is invalid or was already used (61009)."
                    + " Start the authorization again.";
            case 61010 -> "WeChat says the authorization code has expired (61010). Start the authorization again,"
                    + " or change the authorization in WeChat to send a new one.";
            default -> "WeChat refused the authorization (errcode " + errcode + "). Start again.";
        };
    }

    private String error(String title, String message, boolean offerRestart) {
        return HtmlPages.page(title, "error-title", "<p class=\"error\" id=\"error\">" + HtmlEscaping.escape(message)
                + "</p>" + (offerRestart ? "<p><a id=\"restart\" href=\"" + HtmlEscaping.escape(http.contextPath())
                        + "/authorize\">Start again</a></p>" : ""));
    }

    /** The request's options; null after answering 400 with the reason they were refused. */
    private Options optionsOrBadRequest(Exchange exchange) {
        try {
            return options(exchange.getMessage());
        } catch (IllegalArgumentException e) {
            HtmlPages.reply(exchange, 400, error("Cannot start the authorization", e.getMessage(), false));
            return null;
        }
    }

    private Options options(Message in) {
        String component = param(in, "component");
        if (component != null && !componentAppids.contains(component)) {
            throw new IllegalArgumentException("component must be the appid of a platform of this deployment");
        }
        String authType = param(in, "auth_type");
        String bizAppid = param(in, "biz_appid");
        String categoryIds = param(in, "category_id_list");
        String returnTo = param(in, "return_to");
        String mobile = param(in, "mobile");
        if (authType != null && !AUTH_TYPE.matcher(authType).matches()) {
            throw new IllegalArgumentException("auth_type must be one of WeChat's account types (1 to 8)");
        }
        if (bizAppid != null && !APPID.matcher(bizAppid).matches()) {
            throw new IllegalArgumentException("biz_appid must be an AppID");
        }
        if (categoryIds != null && !CATEGORY_IDS.matcher(categoryIds).matches()) {
            throw new IllegalArgumentException("category_id_list must be permission-set ids separated by |");
        }
        if (returnTo != null && !ReturnTargets.isSafe(http.publicUrl(), returnTo)) {
            throw new IllegalArgumentException("return_to must be a path on this site or start with "
                    + http.publicUrl());
        }
        return new Options(component == null ? componentAppids.get(0) : component, authType, bizAppid, categoryIds,
                returnTo, "1".equals(mobile) || "true".equals(mobile), component != null);
    }

    private static String param(Message in, String name) {
        String value = in.getHeader(name, String.class);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static void append(StringBuilder query, String name, String value) {
        if (value == null) {
            return;
        }
        if (query.length() > 0) {
            query.append('&');
        }
        query.append(name).append('=').append(encode(value));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
