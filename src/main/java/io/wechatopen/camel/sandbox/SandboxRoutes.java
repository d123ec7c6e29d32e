package io.wechatopen.camel.sandbox;

import java.util.Objects;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;

import io.wechatopen.camel.config.SandboxSettings;
import io.wechatopen.camel.config.WeChatSettings;
import io.wechatopen.camel.crypto.WeChatMessageCrypto;

/**
 * The built-in WeChat sandbox as routes: WeChat's component APIs and the control API as {@code netty-http}
 * consumers sharing {@code http://{wechat.sandbox.host}:{wechat.sandbox.port}}, and the ticket pushes to
 * {@code wechat.sandbox.push-url}: every {@code wechat.sandbox.ticket-interval} (the first {@code wechat.sandbox.first-push-delay} after start),
 * after a successful {@code api_start_push_ticket}, and on {@code POST /sandbox/tickets/push}.
 *
 * <table>
 * <caption>Routes</caption>
 * <tr><th>route id</th><th>trigger</th></tr>
 * <tr><td>{@value #API_COMPONENT_TOKEN}</td><td>POST /cgi-bin/component/api_component_token</td></tr>
 * <tr><td>{@value #API_START_PUSH_TICKET}</td><td>POST /cgi-bin/component/api_start_push_ticket</td></tr>
 * <tr><td>{@value #TICKET_PUSH}</td><td>timer</td></tr>
 * <tr><td>{@value #TICKET_SEND}</td><td>{@code direct:wechat-sandbox-ticket-send} (internal)</td></tr>
 * <tr><td>{@value #CONTROL_TICKET_PUSH}</td><td>POST /sandbox/tickets/push</td></tr>
 * <tr><td>{@value #CONTROL_PUSH_SERVICE_STOP}</td><td>POST /sandbox/push-service/stop</td></tr>
 * <tr><td>{@value #CONTROL_PUSH_SERVICE_START}</td><td>POST /sandbox/push-service/start</td></tr>
 * <tr><td>{@value #CONTROL_FAULTS_ADD}</td><td>POST /sandbox/faults</td></tr>
 * <tr><td>{@value #CONTROL_FAULTS_CLEAR}</td><td>DELETE /sandbox/faults</td></tr>
 * <tr><td>{@value #CONTROL_STATE_SHOW}</td><td>GET /sandbox/state</td></tr>
 * </table>
 */
public class SandboxRoutes extends RouteBuilder {

    public static final String API_COMPONENT_TOKEN = "wechat-sandbox-api-component-token-issue";
    public static final String API_START_PUSH_TICKET = "wechat-sandbox-api-push-ticket-start";
    public static final String TICKET_PUSH = "wechat-sandbox-ticket-push";
    public static final String TICKET_SEND = "wechat-sandbox-ticket-send";
    public static final String CONTROL_TICKET_PUSH = "wechat-sandbox-control-ticket-push";
    public static final String CONTROL_PUSH_SERVICE_STOP = "wechat-sandbox-control-push-service-stop";
    public static final String CONTROL_PUSH_SERVICE_START = "wechat-sandbox-control-push-service-start";
    public static final String CONTROL_FAULTS_ADD = "wechat-sandbox-control-faults-add";
    public static final String CONTROL_FAULTS_CLEAR = "wechat-sandbox-control-faults-clear";
    public static final String CONTROL_STATE_SHOW = "wechat-sandbox-control-state-show";

    /** Node id of the HTTP call that delivers a push. */
    public static final String CALL_TICKET_RECEIVER = "call-ticket-receiver";

    /** WeChat waits 5 s for the receiver's answer (protocol §5.1). */
    static final int PUSH_RESPONSE_TIMEOUT_MS = 5000;
    static final int PUSH_CONNECT_TIMEOUT_MS = 3000;

    private final WeChatSettings settings;
    private final SandboxState state;
    private final WeChatMessageCrypto crypto;

    /**
     * @param settings {@code wechat.sandbox.*} (host, port, ticket interval, push URL)
     * @param state the sandbox's state, shared with whoever inspects it
     * @param crypto the component's message crypto (token, EncodingAESKey, appid of {@code settings.component()})
     */
    public SandboxRoutes(WeChatSettings settings, SandboxState state, WeChatMessageCrypto crypto) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.state = Objects.requireNonNull(state, "state");
        this.crypto = Objects.requireNonNull(crypto, "crypto");
    }

    @Override
    public void configure() {
        ObjectMapper mapper = new ObjectMapper();
        SandboxApiHandler api = new SandboxApiHandler(state, mapper);
        SandboxControlHandler control = new SandboxControlHandler(state, mapper);
        SandboxTicketPusher pusher = new SandboxTicketPusher(state, crypto, settings.sandbox().pushUrl());

        reply(from(consumer("/cgi-bin/component/api_component_token", "POST"))
                .routeId(API_COMPONENT_TOKEN)
                .process(e -> api.admit(e, SandboxFaults.API_COMPONENT_TOKEN))
                .delay(exchangeProperty(SandboxReply.LATENCY_MS))
                .process(api::componentToken));

        RouteDefinition startPushTicket = from(consumer("/cgi-bin/component/api_start_push_ticket", "POST"))
                .routeId(API_START_PUSH_TICKET);
        startPushTicket
                .process(e -> api.admit(e, SandboxFaults.API_START_PUSH_TICKET))
                .delay(exchangeProperty(SandboxReply.LATENCY_MS))
                .process(api::startPushTicket);
        reply(startPushTicket);
        // a (re)started push service pushes a ticket right away, after the reply
        startPushTicket
                .filter(exchangeProperty(SandboxApiHandler.PUSH_REQUESTED).isEqualTo(true))
                .wireTap(direct(TICKET_SEND));

        from("timer:" + TICKET_PUSH + "?delay=" + settings.sandbox().firstPushDelay().toMillis() + "&period="
                + settings.sandbox().ticketInterval().toMillis())
                .routeId(TICKET_PUSH)
                .to(direct(TICKET_SEND));

        from(direct(TICKET_SEND))
                .routeId(TICKET_SEND)
                .removeHeaders("*")
                .process(pusher::prepare)
                .filter(exchangeProperty(SandboxTicketPusher.SEND).isEqualTo(true))
                    .delay(exchangeProperty(SandboxReply.LATENCY_MS))
                    .setHeader(Exchange.HTTP_METHOD, constant("POST"))
                    .setHeader(Exchange.CONTENT_TYPE, constant("text/xml"))
                    .setHeader(Exchange.HTTP_QUERY, exchangeProperty(SandboxTicketPusher.QUERY))
                    .doTry()
                        .to(pusher.receiverUrl() + "?throwExceptionOnFailure=false"
                                + "&connectTimeout=" + PUSH_CONNECT_TIMEOUT_MS
                                + "&connectionRequestTimeout=" + PUSH_CONNECT_TIMEOUT_MS
                                + "&responseTimeout=" + PUSH_RESPONSE_TIMEOUT_MS).id(CALL_TICKET_RECEIVER)
                        .process(pusher::answered)
                    .doCatch(Exception.class)
                        .process(pusher::failed)
                    .end()
                .end();

        reply(from(consumer("/sandbox/tickets/push", "POST"))
                .routeId(CONTROL_TICKET_PUSH)
                .to(direct(TICKET_SEND))
                .process(control::pushReply));

        reply(from(consumer("/sandbox/push-service/stop", "POST"))
                .routeId(CONTROL_PUSH_SERVICE_STOP)
                .process(control::stopPushService));

        reply(from(consumer("/sandbox/push-service/start", "POST"))
                .routeId(CONTROL_PUSH_SERVICE_START)
                .process(control::startPushService));

        reply(from(consumer("/sandbox/faults", "POST"))
                .routeId(CONTROL_FAULTS_ADD)
                .process(control::addFault));

        reply(from(consumer("/sandbox/faults", "DELETE"))
                .routeId(CONTROL_FAULTS_CLEAR)
                .process(control::clearFaults));

        reply(from(consumer("/sandbox/state", "GET"))
                .routeId(CONTROL_STATE_SHOW)
                .process(control::showState));
    }

    /** Ends an HTTP route: no inbound header goes back; status and Content-Type come from the handler. */
    private void reply(ProcessorDefinition<?> route) {
        route.removeHeaders("*")
                .setHeader(Exchange.HTTP_RESPONSE_CODE, exchangeProperty(SandboxReply.STATUS))
                .setHeader(Exchange.CONTENT_TYPE, exchangeProperty(SandboxReply.CONTENT_TYPE));
    }

    private String consumer(String path, String method) {
        SandboxSettings sandbox = settings.sandbox();
        return "netty-http:http://" + sandbox.host() + ":" + sandbox.port() + path + "?httpMethodRestrict=" + method
                + "&muteException=true";
    }

    private static String direct(String routeId) {
        return "direct:" + routeId;
    }
}
