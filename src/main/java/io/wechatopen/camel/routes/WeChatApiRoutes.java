package io.wechatopen.camel.routes;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.dataformat.JsonLibrary;

import io.wechatopen.camel.api.dto.ComponentTokenResponse;
import io.wechatopen.camel.camel.WeChatApiResponses;
import io.wechatopen.camel.config.ApiSettings;

/**
 * Outbound WeChat calls, one route per API ({@code direct:wechat-api-<endpoint>}: body = request map in, result
 * out), all posting through {@code direct:wechat-api-post}. Redelivery happens at the {@code call-api-*} step of
 * the calling route, which re-sends the request kept in {@value #REQUEST}; so a retry repeats the HTTP call and the
 * errcode check together.
 */
public final class WeChatApiRoutes extends RouteBuilder {

    /** Exchange property holding the JSON request, re-sent on every redelivery. */
    public static final String REQUEST = "WeChatApiRequest";
    /** Header with the API's path under {@code wechat.api.base-url}. */
    public static final String PATH = "WeChatApiPath";

    private final ApiSettings api;
    private final WeChatApiResponses responses;

    public WeChatApiRoutes(ApiSettings api, WeChatApiResponses responses) {
        this.api = api;
        this.responses = responses;
    }

    @Override
    public void configure() {
        from("direct:wechat-api-component-token").routeId("wechat-api-component-token")
                .routeConfigurationId("wechat-api-errors")
                .marshal().json(JsonLibrary.Jackson)
                .setProperty(REQUEST, body())
                .setHeader(WeChatApiResponses.API, constant("api_component_token"))
                .setHeader(PATH, constant("/cgi-bin/component/api_component_token"))
                .to("direct:wechat-api-post").id("call-api-component-token")
                .unmarshal().json(JsonLibrary.Jackson, ComponentTokenResponse.class);

        from("direct:wechat-api-start-push-ticket").routeId("wechat-api-start-push-ticket")
                .routeConfigurationId("wechat-api-errors")
                .marshal().json(JsonLibrary.Jackson)
                .setProperty(REQUEST, body())
                .setHeader(WeChatApiResponses.API, constant("api_start_push_ticket"))
                .setHeader(PATH, constant("/cgi-bin/component/api_start_push_ticket"))
                .to("direct:wechat-api-post").id("call-api-start-push-ticket");

        // No error handler of its own: a failure here must reach the caller's step, which redelivers.
        from("direct:wechat-api-post").routeId("wechat-api-post")
                .errorHandler(noErrorHandler())
                // Keep the redelivery counters: the caller's error handler counts attempts with them.
                .removeHeaders("*", "CamelRedelivery*", WeChatApiResponses.API, PATH, Exchange.HTTP_QUERY)
                .setBody(exchangeProperty(REQUEST))
                .setHeader(Exchange.HTTP_METHOD, constant("POST"))
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json; charset=utf-8"))
                .setHeader(Exchange.HTTP_PATH, header(PATH))
                .to(api.baseUrl() + "?throwExceptionOnFailure=false&connectTimeout=" + api.connectTimeout().toMillis()
                        + "&responseTimeout=" + api.readTimeout().toMillis()).id("call-wechat-api")
                .bean(responses, "check");
    }
}
