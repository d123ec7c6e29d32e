package io.wechatopen.camel.relay;

import org.apache.camel.component.netty.http.NettyHttpHeaderFilterStrategy;

/**
 * The header filter of the relay's HTTP consumer (registry name {@value #BEAN_NAME}): netty-http's own, except that
 * {@code Cache-Control} and {@code Pragma} of the answer reach the client. netty-http drops both by default, and an
 * answer carrying a token must say {@code no-store} to every cache on the way.
 */
public final class NoStoreHeaderFilter extends NettyHttpHeaderFilterStrategy {

    /** The registry name the relay route refers to. */
    public static final String BEAN_NAME = "wechatRelayHeaderFilter";

    public NoStoreHeaderFilter() {
        getOutFilter().remove("cache-control");
        getOutFilter().remove("pragma");
    }
}
