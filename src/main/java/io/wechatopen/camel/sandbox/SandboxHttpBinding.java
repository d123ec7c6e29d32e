package io.wechatopen.camel.sandbox;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.netty.http.DefaultNettyHttpBinding;
import org.apache.camel.component.netty.http.NettyHttpConfiguration;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.handler.codec.http.HttpResponse;

/**
 * The sandbox's netty-http binding: as the default one, except that an exchange marked
 * {@link SandboxReply#LOSE_REPLY} gets no HTTP response at all. The consumer then writes nothing and closes the
 * connection ({@code disconnectOnNoReply}, on by default), so the caller's read fails as when a reply is lost on the
 * way, after the sandbox did the call's work. Nothing is allocated for the dropped reply, so nothing can leak.
 */
final class SandboxHttpBinding extends DefaultNettyHttpBinding {

    private static final Logger LOG = LoggerFactory.getLogger(SandboxHttpBinding.class);

    SandboxHttpBinding(HeaderFilterStrategy headerFilterStrategy) {
        super(headerFilterStrategy);
    }

    @Override
    public HttpResponse toNettyResponse(Message message, NettyHttpConfiguration configuration) throws Exception {
        Exchange exchange = message.getExchange();
        if (exchange.getProperty(SandboxReply.LOSE_REPLY, false, Boolean.class)) {
            SandboxApiHandler.Call call = exchange.getProperty(SandboxApiHandler.CALL, SandboxApiHandler.Call.class);
            LOG.info("Sandbox fault lose_reply: {} was served; closing the connection without an answer",
                    call == null ? "the call" : call.api());
            return null;
        }
        return super.toNettyResponse(message, configuration);
    }
}
