package io.wechatopen.camel.routes;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.dataformat.JsonLibrary;

import io.wechatopen.camel.api.dto.AuthorizerInfoResponse;
import io.wechatopen.camel.api.dto.AuthorizerListResponse;
import io.wechatopen.camel.api.dto.AuthorizerTokenResponse;
import io.wechatopen.camel.api.dto.ComponentTokenResponse;
import io.wechatopen.camel.api.dto.PreAuthCodeResponse;
import io.wechatopen.camel.api.dto.QueryAuthResponse;
import io.wechatopen.camel.client.ApiTokens;
import io.wechatopen.camel.client.AuthorizerApiCalls;
import io.wechatopen.camel.client.WeChatApiHeaders;
import io.wechatopen.camel.client.WeChatApiResponses;
import io.wechatopen.camel.config.ApiSettings;

/**
 * Outbound WeChat calls.
 * <ul>
 * <li>{@code direct:wechat-api-<endpoint>}: one route per component API (body = request map, header
 * {@code WeChatComponentAppid}; out: the parsed answer).</li>
 * <li>{@code direct:wechat-api-call}: any API on behalf of an account (headers {@code WeChatAuthorizerAppid},
 * {@code WeChatApiPath}, optional {@code WeChatComponentAppid}, {@code CamelHttpMethod}, {@code CamelHttpQuery},
 * {@code WeChatApiIdempotent}; body JSON in, WeChat's JSON out). The bundle adds the token. A GET is redelivered
 * after transient failures; a POST only when its connection was never made, unless the caller sets header
 * {@code WeChatApiIdempotent=true}, so a message is never sent twice because of our retry.</li>
 * </ul>
 * All post through {@code direct:wechat-api-post}. Redelivery happens at the {@code call-api-*} step of the calling
 * route, which re-sends the request kept in {@value WeChatApiHeaders#REQUEST} and looks the token up again; so a
 * retry repeats the token lookup, the HTTP call and the errcode check together.
 */
public final class WeChatApiRoutes extends RouteBuilder {

    private final ApiSettings api;
    private final WeChatApiResponses responses;
    private final ApiTokens tokens;
    private final AuthorizerApiCalls authorizerCalls;

    public WeChatApiRoutes(ApiSettings api, WeChatApiResponses responses, ApiTokens tokens,
            AuthorizerApiCalls authorizerCalls) {
        this.api = api;
        this.responses = responses;
        this.tokens = tokens;
        this.authorizerCalls = authorizerCalls;
    }

    @Override
    public void configure() {
        // Repeating these is harmless: a token or pre_auth_code more, a read again. api_query_auth is not: its
        // code works once, so an answer lost on the way must not be asked for again with the same code.
        componentApi("component-token", "api_component_token", ApiTokens.Kind.NONE, true,
                ComponentTokenResponse.class);
        componentApi("start-push-ticket", "api_start_push_ticket", ApiTokens.Kind.NONE, true, null);
        componentApi("create-preauthcode", "api_create_preauthcode", ApiTokens.Kind.COMPONENT, true,
                PreAuthCodeResponse.class);
        componentApi("query-auth", "api_query_auth", ApiTokens.Kind.COMPONENT, false, QueryAuthResponse.class);
        componentApi("authorizer-token", "api_authorizer_token", ApiTokens.Kind.COMPONENT, true,
                AuthorizerTokenResponse.class);
        componentApi("get-authorizer-info", "api_get_authorizer_info", ApiTokens.Kind.COMPONENT, true,
                AuthorizerInfoResponse.class);
        componentApi("get-authorizer-list", "api_get_authorizer_list", ApiTokens.Kind.COMPONENT, true,
                AuthorizerListResponse.class);

        from("direct:wechat-api-call").routeId("wechat-api-call")
                .routeConfigurationId("wechat-api-errors")
                .bean(authorizerCalls, "prepare")
                .to("direct:wechat-api-post").id("call-api-authorizer");

        // No error handler of its own: a failure here must reach the caller's step, which redelivers.
        from("direct:wechat-api-post").routeId("wechat-api-post")
                .errorHandler(noErrorHandler())
                // Keep the redelivery counters: the caller's error handler counts attempts with them.
                .removeHeaders("*", "CamelRedelivery*", WeChatApiResponses.API, WeChatApiHeaders.PATH, WeChatApiHeaders.METHOD, ApiTokens.KIND,
                        ApiTokens.COMPONENT_APPID, ApiTokens.AUTHORIZER_APPID, ApiTokens.QUERY)
                .setBody(exchangeProperty(WeChatApiHeaders.REQUEST))
                .bean(tokens, "apply")
                .setHeader(Exchange.HTTP_METHOD, header(WeChatApiHeaders.METHOD))
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json; charset=utf-8"))
                .setHeader(Exchange.HTTP_PATH, header(WeChatApiHeaders.PATH))
                .doTry()
                    .to(api.baseUrl() + "?throwExceptionOnFailure=false&connectTimeout="
                            + api.connectTimeout().toMillis() + "&responseTimeout=" + api.readTimeout().toMillis())
                            .id("call-wechat-api")
                .doCatch(Exception.class)
                    // Counted as a call without an answer, then rethrown for the caller's redelivery policy.
                    .bean(responses, "failed")
                .doFinally()
                    // The query carries the token: it must not travel back to the caller, not even with a failure.
                    .removeHeaders("CamelHttp(Query|Uri|Path|Url)")
                .end()
                .bean(responses, "check");
    }

    private void componentApi(String endpoint, String api, ApiTokens.Kind kind, boolean idempotent,
            Class<?> answer) {
        var route = from("direct:wechat-api-" + endpoint).routeId("wechat-api-" + endpoint)
                .routeConfigurationId("wechat-api-errors")
                .marshal().json(JsonLibrary.Jackson)
                .setProperty(WeChatApiHeaders.REQUEST, body())
                .setProperty(WeChatApiHeaders.IDEMPOTENT, constant(idempotent))
                .setHeader(WeChatApiResponses.API, constant(api))
                .setHeader(WeChatApiHeaders.PATH, constant("/cgi-bin/component/" + api))
                .setHeader(ApiTokens.KIND, constant(kind.name()))
                .setHeader(WeChatApiHeaders.METHOD, constant("POST"))
                .to("direct:wechat-api-post").id("call-api-" + endpoint);
        if (answer != null) {
            route.unmarshal().json(JsonLibrary.Jackson, answer);
        }
    }
}
