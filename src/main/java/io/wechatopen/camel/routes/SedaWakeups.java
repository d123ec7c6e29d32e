package io.wechatopen.camel.routes;

import java.util.Map;

import org.apache.camel.ProducerTemplate;

/**
 * Wakes a queue consumer from an HTTP route without waiting and without handing it the HTTP exchange.
 *
 * <p>Why not {@code to("seda:...?waitForTaskToComplete=Never&discardWhenFull=true")}: a seda producer that does not
 * wait hands the sender's on-completion tasks to the copy it queues, and netty-http's task that releases the
 * request's buffer is one of them. A copy discarded on a full queue never completes, so the buffer was never
 * released (Netty's leak detector reported it when many pushes arrived at once). A new exchange carries only what
 * the consumer reads.
 */
final class SedaWakeups {

    private SedaWakeups() {
    }

    /**
     * Sends a new exchange with an empty body and {@code headers} to {@code seda}, without waiting for it to be
     * processed ({@code waitForTaskToComplete=Never} is added to the URI).
     */
    static void send(ProducerTemplate sender, String seda, Map<String, Object> headers) {
        sender.sendBodyAndHeaders(seda + (seda.contains("?") ? "&" : "?") + "waitForTaskToComplete=Never", "",
                headers);
    }
}
