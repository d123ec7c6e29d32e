package io.wechatopen.camel.routes;

import org.apache.camel.builder.RouteBuilder;

import io.wechatopen.camel.client.ApiTokens;
import io.wechatopen.camel.client.WeChatApiHeaders;
import io.wechatopen.camel.token.AuthorizerTokenSource;

/**
 * The token service for other routes:
 * <ul>
 * <li>{@code direct:wechat-authorizer-token}: header {@code WeChatAuthorizerAppid} (optional
 * {@code WeChatComponentAppid}) in, body = a valid access token out; an
 * {@link io.wechatopen.camel.AuthorizerUnavailableException} says why not.</li>
 * <li>{@code direct:wechat-authorizer-option-get} / {@code -set}: headers {@code WeChatAuthorizerAppid},
 * {@code WeChatOptionName} (location_report, voice_recognize, customer_service) and for set
 * {@code WeChatOptionValue}; out, WeChat's JSON answer.</li>
 * </ul>
 */
public final class AuthorizerTokenRoutes extends RouteBuilder {

    /** WeChat's option names; their values are small numbers sent as strings. */
    private static final java.util.Set<String> OPTIONS = java.util.Set.of("location_report", "voice_recognize",
            "customer_service");

    private final AuthorizerTokenSource tokens;

    public AuthorizerTokenRoutes(AuthorizerTokenSource tokens) {
        this.tokens = tokens;
    }

    @Override
    public void configure() {
        // @formatter:off
        from("direct:wechat-authorizer-token").routeId("wechat-authorizer-token")
                // Errors (the typed AuthorizerUnavailableException) go back to the caller as they are.
                .errorHandler(noErrorHandler())
                .choice()
                    .when(header(ApiTokens.COMPONENT_APPID).isNotNull())
                        .setBody(method(tokens, "accessToken(${header.WeChatComponentAppid}, "
                                + "${header.WeChatAuthorizerAppid})"))
                    .otherwise()
                        .setBody(method(tokens, "accessToken(${header.WeChatAuthorizerAppid})"))
                .end();

        from("direct:wechat-authorizer-option-get").routeId("wechat-authorizer-option-get")
                .errorHandler(noErrorHandler())
                .process(exchange -> exchange.getMessage().setBody(optionRequest(exchange.getMessage(), false)))
                .setHeader(WeChatApiHeaders.PATH, constant("/cgi-bin/component/get_authorizer_option"))
                .removeHeaders("CamelHttp*")
                .to("direct:wechat-api-call").id("call-api-get-authorizer-option");

        from("direct:wechat-authorizer-option-set").routeId("wechat-authorizer-option-set")
                .errorHandler(noErrorHandler())
                .process(exchange -> exchange.getMessage().setBody(optionRequest(exchange.getMessage(), true)))
                .setHeader(WeChatApiHeaders.PATH, constant("/cgi-bin/component/set_authorizer_option"))
                .removeHeaders("CamelHttp*")
                .to("direct:wechat-api-call").id("call-api-set-authorizer-option");
        // @formatter:on
    }

    static java.util.Map<String, Object> optionRequest(org.apache.camel.Message message, boolean withValue) {
        String name = message.getHeader("WeChatOptionName", String.class);
        if (name == null || !OPTIONS.contains(name)) {
            throw new IllegalArgumentException("header WeChatOptionName must be one of " + OPTIONS);
        }
        java.util.Map<String, Object> request = new java.util.LinkedHashMap<>();
        request.put("option_name", name);
        if (withValue) {
            String value = message.getHeader("WeChatOptionValue", String.class);
            if (value == null || !value.matches("[0-9]")) {
                throw new IllegalArgumentException("header WeChatOptionValue must be a single digit, e.g. 1");
            }
            request.put("option_value", value);
        }
        return request;
    }
}
