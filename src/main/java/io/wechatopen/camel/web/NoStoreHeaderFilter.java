package io.wechatopen.camel.web;

import org.apache.camel.component.netty.http.NettyHttpHeaderFilterStrategy;

/**
 * The header filter of the HTTP consumers whose answers must not be cached (registry name {@value #BEAN_NAME}): the
 * token relay and the HTML pages of the authorization flows. netty-http's own filter, except that {@code Cache-Control}
 * and {@code Pragma} of the answer reach the client: netty-http drops both by default, and an answer carrying a token
 * or a one-time state must say {@code no-store} to every cache on the way.
 */
public final class NoStoreHeaderFilter extends NettyHttpHeaderFilterStrategy {

    /** The registry name the routes refer to. */
    public static final String BEAN_NAME = "wechatNoStoreHeaderFilter";

    public NoStoreHeaderFilter() {
        getOutFilter().remove("cache-control");
        getOutFilter().remove("pragma");
    }
}
