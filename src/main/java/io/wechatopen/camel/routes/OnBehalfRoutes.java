package io.wechatopen.camel.routes;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;

import io.wechatopen.camel.client.ApiTokens;
import io.wechatopen.camel.client.OnBehalfServices;
import io.wechatopen.camel.client.WeChatApiHeaders;
import io.wechatopen.camel.client.WeChatApiResponses;
import io.wechatopen.camel.web.OAuthPages;

/**
 * What the platform does on behalf of authorized accounts with its component token:
 * <ul>
 * <li>{@code direct:wechat-oauth-start}, {@code direct:wechat-oauth-exchange}: web authorization (网页授权), the start
 * (302 to WeChat) and the callback; in, the HTTP request; out, the HTML reply ({@link OAuthPages}).</li>
 * <li>{@code direct:wechat-oauth-refresh}: header {@code WeChatAuthorizerAppid}, body a user's OAuth refresh token;
 * out, WeChat's answer as a map.</li>
 * <li>{@code direct:wechat-miniprogram-session}: header {@code WeChatAuthorizerAppid}, body the {@code js_code} of
 * {@code wx.login}; out, a map with {@code openid}, {@code session_key} (and {@code unionid}). The session key is
 * neither logged nor stored.</li>
 * <li>{@code direct:wechat-api-oauth-access-token}, {@code -oauth-refresh-token}, {@code -sns-userinfo},
 * {@code -jscode2session}: the GET calls behind them, through {@code direct:wechat-api-post} (header
 * {@code WeChatApiQuery}: the query without the token).</li>
 * <li>{@code wechat-oauth-state-purge}: hourly, deletes expired states.</li>
 * </ul>
 */
public final class OnBehalfRoutes extends RouteBuilder {

    private static final int PAGE_THREADS = 10;
    private static final int PAGE_QUEUE = 200;

    private final OAuthPages pages;
    private final OnBehalfServices services;

    public OnBehalfRoutes(OAuthPages pages, OnBehalfServices services) {
        this.pages = pages;
        this.services = services;
    }

    @Override
    public void configure() {
        // @formatter:off
        // A code works once: an exchange that may have reached WeChat is not repeated (its answer may be lost).
        snsApi("oauth-access-token", "oauth2_component_access_token", "/sns/oauth2/component/access_token",
                ApiTokens.Kind.COMPONENT, false);
        snsApi("oauth-refresh-token", "oauth2_component_refresh_token", "/sns/oauth2/component/refresh_token",
                ApiTokens.Kind.COMPONENT, true);
        // The user's OAuth token is in the caller's query; no platform token.
        snsApi("sns-userinfo", "sns_userinfo", "/sns/userinfo", ApiTokens.Kind.NONE, true);
        snsApi("jscode2session", "jscode2session", "/sns/component/jscode2session", ApiTokens.Kind.COMPONENT, false);

        // The start only writes the state. The callback waits for WeChat: it runs on its own bounded pool, as the
        // authorization pages do, so the HTTP server's threads stay free for the pushes; a full pool and queue fail
        // it at once (500).
        from("direct:wechat-oauth-start").routeId("wechat-oauth-start")
                .errorHandler(noErrorHandler())
                .bean(pages, "start").id("save-oauth-state");
        from("direct:wechat-oauth-exchange").routeId("wechat-oauth-exchange")
                .errorHandler(noErrorHandler())
                .threads(PAGE_THREADS, PAGE_THREADS).maxQueueSize(PAGE_QUEUE)
                    .rejectedPolicy(ThreadPoolRejectedPolicy.Abort).threadName("wechat-oauth-pages")
                .bean(pages, "callback").id("call-api-oauth-exchange");

        // Errors (WeChatApiException, a bad header) go back to the caller; wechat-api-errors logs none of them.
        from("direct:wechat-oauth-refresh").routeId("wechat-oauth-refresh")
                .routeConfigurationId("wechat-api-errors")
                .bean(services, "oauthRefresh").id("call-api-oauth-refresh");
        from("direct:wechat-miniprogram-session").routeId("wechat-miniprogram-session")
                .routeConfigurationId("wechat-api-errors")
                .bean(services, "miniProgramSession").id("call-api-miniprogram-session");

        from("timer:wechat-oauth-state-purge?delay=60000&period=3600000").routeId("wechat-oauth-state-purge")
                .routeConfigurationId("wechat-schedule-errors")
                .bean(pages, "purgeExpiredStates").id("save-purged-oauth-states");
        // @formatter:on
    }

    private void snsApi(String endpoint, String api, String path, ApiTokens.Kind kind, boolean idempotent) {
        from("direct:wechat-api-" + endpoint).routeId("wechat-api-" + endpoint)
                .routeConfigurationId("wechat-api-errors")
                .setProperty(WeChatApiHeaders.REQUEST, constant(null))
                .setProperty(WeChatApiHeaders.IDEMPOTENT, constant(idempotent))
                .setHeader(WeChatApiResponses.API, constant(api))
                .setHeader(WeChatApiHeaders.PATH, constant(path))
                .setHeader(ApiTokens.KIND, constant(kind.name()))
                .setHeader(WeChatApiHeaders.METHOD, constant("GET"))
                .to("direct:wechat-api-post").id("call-api-" + endpoint)
                // The query carried codes and tokens: it does not travel back to the caller.
                .removeHeader(ApiTokens.QUERY);
    }
}
