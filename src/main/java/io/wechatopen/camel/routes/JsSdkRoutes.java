package io.wechatopen.camel.routes;

import org.apache.camel.builder.RouteBuilder;

import io.wechatopen.camel.jssdk.JsSdkSigner;

/**
 * JS-SDK on behalf of accounts: {@code direct:wechat-jssdk-signature}, header {@code WeChatAuthorizerAppid} (optional
 * {@code WeChatComponentAppid}), body = the page URL; out, a Map {@code appId}, {@code timestamp}, {@code nonceStr},
 * {@code signature} for the page's {@code wx.config}. A URL that is not absolute http(s) ends in an
 * {@link IllegalArgumentException}; an account without a usable authorization in an
 * {@link io.wechatopen.camel.AuthorizerUnavailableException}; a refused getticket in a
 * {@link io.wechatopen.camel.api.WeChatApiException}.
 */
public final class JsSdkRoutes extends RouteBuilder {

    private final JsSdkSigner signer;

    public JsSdkRoutes(JsSdkSigner signer) {
        this.signer = signer;
    }

    @Override
    public void configure() {
        from("direct:wechat-jssdk-signature").routeId("wechat-jssdk-signature")
                // Errors go back to the caller as they are; getticket's own route retries what can be retried.
                .errorHandler(noErrorHandler())
                .bean(signer, "signature");
    }
}
