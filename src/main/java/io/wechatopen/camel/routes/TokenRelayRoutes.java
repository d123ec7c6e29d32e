package io.wechatopen.camel.routes;

import org.apache.camel.builder.RouteBuilder;

import io.wechatopen.camel.relay.TokenRelayEndpoint;

/**
 * {@code direct:wechat-relay-serve}: the token relay's work for {@code routes/token-relay.camel.yaml}; in, the HTTP
 * request; out, the answer ({@link TokenRelayEndpoint}).
 */
public final class TokenRelayRoutes extends RouteBuilder {

    private final TokenRelayEndpoint endpoint;

    public TokenRelayRoutes(TokenRelayEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public void configure() {
        from("direct:wechat-relay-serve").routeId("wechat-relay-serve")
                // Errors go back to the calling HTTP route, whose wechat-callback-errors answers 500.
                .errorHandler(noErrorHandler())
                .bean(endpoint, "serve");
    }
}
