package io.wechatopen.camel.sandbox;

import java.util.Objects;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.netty.http.NettyHttpComponent;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.wechatopen.camel.config.SandboxSettings;
import io.wechatopen.camel.config.WeChatSettings;
import io.wechatopen.camel.crypto.WeChatMessageCrypto;

/**
 * The built-in WeChat sandbox as routes: WeChat's component APIs, three ordinary account APIs, the authorization page
 * and the control API as {@code netty-http} consumers sharing
 * {@code http://{wechat.sandbox.host}:{wechat.sandbox.port}}, and the pushes to {@code wechat.sandbox.push-url}:
 * tickets every {@code wechat.sandbox.ticket-interval} (the first {@code wechat.sandbox.first-push-delay} after
 * start), after a successful {@code api_start_push_ticket} and on {@code POST /sandbox/tickets/push}; authorization
 * events when a merchant approves, changes or withdraws an authorization, sent alongside the reply.
 *
 * <table>
 * <caption>Routes</caption>
 * <tr><th>route id</th><th>trigger</th></tr>
 * <tr><td>{@value #API_COMPONENT_TOKEN}</td><td>POST /cgi-bin/component/api_component_token</td></tr>
 * <tr><td>{@value #API_START_PUSH_TICKET}</td><td>POST /cgi-bin/component/api_start_push_ticket</td></tr>
 * <tr><td>{@value #API_PREAUTH_CODE}</td><td>POST /cgi-bin/component/api_create_preauthcode</td></tr>
 * <tr><td>{@value #API_QUERY_AUTH}</td><td>POST /cgi-bin/component/api_query_auth</td></tr>
 * <tr><td>{@value #API_AUTHORIZER_TOKEN}</td><td>POST /cgi-bin/component/api_authorizer_token</td></tr>
 * <tr><td>{@value #API_AUTHORIZER_INFO}</td><td>POST /cgi-bin/component/api_get_authorizer_info</td></tr>
 * <tr><td>{@value #API_AUTHORIZER_LIST}</td><td>POST /cgi-bin/component/api_get_authorizer_list</td></tr>
 * <tr><td>{@value #API_AUTHORIZER_OPTION_GET}</td><td>POST /cgi-bin/component/api_get_authorizer_option</td></tr>
 * <tr><td>{@value #API_AUTHORIZER_OPTION_SET}</td><td>POST /cgi-bin/component/api_set_authorizer_option</td></tr>
 * <tr><td>{@value #API_OWN_OPTION_GET}</td><td>POST /cgi-bin/component/get_authorizer_option</td></tr>
 * <tr><td>{@value #API_OWN_OPTION_SET}</td><td>POST /cgi-bin/component/set_authorizer_option</td></tr>
 * <tr><td>{@value #API_CALLBACK_IP}</td><td>GET or POST /cgi-bin/getcallbackip</td></tr>
 * <tr><td>{@value #API_USER_INFO}</td><td>GET /cgi-bin/user/info</td></tr>
 * <tr><td>{@value #API_MESSAGE_SEND}</td><td>POST /cgi-bin/message/custom/send</td></tr>
 * <tr><td>{@value #API_QUOTA_GET}</td><td>POST /cgi-bin/openapi/quota/get</td></tr>
 * <tr><td>{@value #API_CLEAR_QUOTA}</td><td>POST /cgi-bin/component/clear_quota/v2</td></tr>
 * <tr><td>{@value #API_GETTICKET}</td><td>GET /cgi-bin/ticket/getticket</td></tr>
 * <tr><td>{@value #AUTHORIZATION_PAGE}</td><td>GET /cgi-bin/componentloginpage</td></tr>
 * <tr><td>{@value #AUTHORIZATION_PAGE_MOBILE}</td><td>GET /safe/bindcomponent</td></tr>
 * <tr><td>{@value #AUTHORIZATION_APPROVE}</td><td>POST /cgi-bin/componentloginpage/approve (the page's form)</td></tr>
 * <tr><td>{@value #AUTHORIZATION_PUSH_SEND}</td><td>{@code direct:wechat-sandbox-authorization-push-send}
 * (internal)</td></tr>
 * <tr><td>{@value #TICKET_PUSH}</td><td>timer</td></tr>
 * <tr><td>{@value #TICKET_SEND}</td><td>{@code direct:wechat-sandbox-ticket-send} (internal)</td></tr>
 * <tr><td>{@value #CONTROL_TICKET_PUSH}</td><td>POST /sandbox/tickets/push</td></tr>
 * <tr><td>{@value #CONTROL_PUSH_SERVICE_STOP}</td><td>POST /sandbox/push-service/stop</td></tr>
 * <tr><td>{@value #CONTROL_PUSH_SERVICE_START}</td><td>POST /sandbox/push-service/start</td></tr>
 * <tr><td>{@value #CONTROL_AUTHORIZATION_APPROVE}</td><td>POST /sandbox/authorizations</td></tr>
 * <tr><td>{@value #CONTROL_AUTHORIZER_CHANGE}</td><td>POST /sandbox/authorizers/{appid}/{update | unauthorize |
 * rotate-refresh-token | expire-access-tokens}</td></tr>
 * <tr><td>{@value #CONTROL_FAULTS_ADD}</td><td>POST /sandbox/faults</td></tr>
 * <tr><td>{@value #CONTROL_FAULTS_CLEAR}</td><td>DELETE /sandbox/faults</td></tr>
 * <tr><td>{@value #CONTROL_STATE_SHOW}</td><td>GET /sandbox/state</td></tr>
 * <tr><td>{@value #CONTROL_RELEASE_TEST}</td><td>POST /sandbox/release-test ({@link SandboxReleaseTester})</td></tr>
 * <tr><td>{@value #API_OAUTH_ACCESS_TOKEN}</td><td>GET /sns/oauth2/component/access_token</td></tr>
 * <tr><td>{@value #API_OAUTH_REFRESH_TOKEN}</td><td>GET /sns/oauth2/component/refresh_token</td></tr>
 * <tr><td>{@value #API_OAUTH_USERINFO}</td><td>GET /sns/userinfo</td></tr>
 * <tr><td>{@value #API_JSCODE2SESSION}</td><td>GET /sns/component/jscode2session</td></tr>
 * <tr><td>{@value #OAUTH_PAGE}</td><td>GET /connect/oauth2/authorize</td></tr>
 * <tr><td>{@value #OAUTH_CONFIRM}</td><td>GET /connect/oauth2/authorize/confirm (the page's links)</td></tr>
 * <tr><td>{@value #CONTROL_JS_CODE_MINT}</td><td>POST /sandbox/miniprogram/{appid}/js-code</td></tr>
 * </table>
 */
public class SandboxRoutes extends RouteBuilder {

    public static final String API_COMPONENT_TOKEN = "wechat-sandbox-api-component-token-issue";
    public static final String API_START_PUSH_TICKET = "wechat-sandbox-api-push-ticket-start";
    public static final String API_PREAUTH_CODE = "wechat-sandbox-api-preauth-code-create";
    public static final String API_QUERY_AUTH = "wechat-sandbox-api-auth-code-exchange";
    public static final String API_AUTHORIZER_TOKEN = "wechat-sandbox-api-authorizer-token-refresh";
    public static final String API_AUTHORIZER_INFO = "wechat-sandbox-api-authorizer-info-get";
    public static final String API_AUTHORIZER_LIST = "wechat-sandbox-api-authorizer-list-get";
    public static final String API_AUTHORIZER_OPTION_GET = "wechat-sandbox-api-authorizer-option-get";
    public static final String API_AUTHORIZER_OPTION_SET = "wechat-sandbox-api-authorizer-option-set";
    public static final String API_OWN_OPTION_GET = "wechat-sandbox-api-own-option-get";
    public static final String API_OWN_OPTION_SET = "wechat-sandbox-api-own-option-set";
    public static final String API_CALLBACK_IP = "wechat-sandbox-api-callback-ip-get";
    public static final String API_USER_INFO = "wechat-sandbox-api-user-info-get";
    public static final String API_MESSAGE_SEND = "wechat-sandbox-api-custom-message-send";
    public static final String API_QUOTA_GET = "wechat-sandbox-api-quota-get";
    public static final String API_CLEAR_QUOTA = "wechat-sandbox-api-quota-clear";
    public static final String API_GETTICKET = "wechat-sandbox-api-ticket-get";
    public static final String AUTHORIZATION_PAGE = "wechat-sandbox-authorization-page-show";
    public static final String AUTHORIZATION_PAGE_MOBILE = "wechat-sandbox-authorization-mobile-page-show";
    public static final String AUTHORIZATION_APPROVE = "wechat-sandbox-authorization-approve";
    public static final String AUTHORIZATION_PUSH_SEND = "wechat-sandbox-authorization-push-send";
    public static final String TICKET_PUSH = "wechat-sandbox-ticket-push";
    public static final String TICKET_SEND = "wechat-sandbox-ticket-send";
    public static final String CONTROL_TICKET_PUSH = "wechat-sandbox-control-ticket-push";
    public static final String CONTROL_PUSH_SERVICE_STOP = "wechat-sandbox-control-push-service-stop";
    public static final String CONTROL_PUSH_SERVICE_START = "wechat-sandbox-control-push-service-start";
    public static final String CONTROL_AUTHORIZATION_APPROVE = "wechat-sandbox-control-authorization-approve";
    public static final String CONTROL_AUTHORIZER_CHANGE = "wechat-sandbox-control-authorizer-change";
    public static final String CONTROL_FAULTS_ADD = "wechat-sandbox-control-faults-add";
    public static final String CONTROL_FAULTS_CLEAR = "wechat-sandbox-control-faults-clear";
    public static final String CONTROL_STATE_SHOW = "wechat-sandbox-control-state-show";
    public static final String CONTROL_RELEASE_TEST = "wechat-sandbox-control-release-test-run";

    public static final String API_OAUTH_ACCESS_TOKEN = "wechat-sandbox-api-oauth-code-exchange";
    public static final String API_OAUTH_REFRESH_TOKEN = "wechat-sandbox-api-oauth-token-refresh";
    public static final String API_OAUTH_USERINFO = "wechat-sandbox-api-oauth-userinfo-get";
    public static final String API_JSCODE2SESSION = "wechat-sandbox-api-jscode-session-exchange";
    public static final String OAUTH_PAGE = "wechat-sandbox-oauth-page-show";
    public static final String OAUTH_CONFIRM = "wechat-sandbox-oauth-page-confirm";
    public static final String CONTROL_JS_CODE_MINT = "wechat-sandbox-control-js-code-mint";

    /** Node id of the HTTP call that delivers a ticket push. */
    public static final String CALL_TICKET_RECEIVER = "call-ticket-receiver";
    /** Node id of the HTTP call that delivers an authorization push. */
    public static final String CALL_AUTHORIZATION_RECEIVER = "call-authorization-receiver";

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

    /**
     * The sandbox's own netty-http component: its own thread pool, so a sandbox request that waits for the
     * bundle's answer (a push, a redirect) can never hold the very thread the bundle's consumer needs.
     */
    static final String HTTP_COMPONENT = "wechat-sandbox-http";

    @Override
    public void configure() {
        // @formatter:off
        if (getCamelContext().hasComponent(HTTP_COMPONENT) == null) {
            NettyHttpComponent component = new NettyHttpComponent();
            component.setNettyHttpBinding(new SandboxHttpBinding(component.getHeaderFilterStrategy()));
            // a reply left out on purpose (lose_reply) is logged by SandboxHttpBinding, not as a warning here
            component.getConfiguration().setNoReplyLogLevel(LoggingLevel.DEBUG);
            getCamelContext().addComponent(HTTP_COMPONENT, component);
        }
        ObjectMapper mapper = new ObjectMapper();
        SandboxApiHandler api = new SandboxApiHandler(state, mapper);
        SandboxAuthorizerApiHandler authorizerApi = new SandboxAuthorizerApiHandler(state, api);
        SandboxAuthorizationHandler authorization = new SandboxAuthorizationHandler(state, mapper);
        SandboxControlHandler control = new SandboxControlHandler(state, mapper);
        SandboxPusher pusher = new SandboxPusher(state, crypto, settings.sandbox().pushUrl());

        api(API_COMPONENT_TOKEN, "/cgi-bin/component/api_component_token", "POST", SandboxFaults.API_COMPONENT_TOKEN,
                api, api::componentToken);

        RouteDefinition startPushTicket = api(API_START_PUSH_TICKET, "/cgi-bin/component/api_start_push_ticket",
                "POST", SandboxFaults.API_START_PUSH_TICKET, api, api::startPushTicket);
        // a (re)started push service pushes a ticket right away, after the reply
        startPushTicket
                .filter(exchangeProperty(SandboxApiHandler.PUSH_REQUESTED).isEqualTo(true))
                .wireTap(direct(TICKET_SEND));

        api(API_PREAUTH_CODE, "/cgi-bin/component/api_create_preauthcode", "POST",
                SandboxFaults.API_CREATE_PREAUTHCODE, api, authorizerApi::createPreAuthCode);
        api(API_QUERY_AUTH, "/cgi-bin/component/api_query_auth", "POST", SandboxFaults.API_QUERY_AUTH, api,
                authorizerApi::queryAuth);
        api(API_AUTHORIZER_TOKEN, "/cgi-bin/component/api_authorizer_token", "POST",
                SandboxFaults.API_AUTHORIZER_TOKEN, api, authorizerApi::authorizerToken);
        api(API_AUTHORIZER_INFO, "/cgi-bin/component/api_get_authorizer_info", "POST",
                SandboxFaults.API_GET_AUTHORIZER_INFO, api, authorizerApi::authorizerInfo);
        api(API_AUTHORIZER_LIST, "/cgi-bin/component/api_get_authorizer_list", "POST",
                SandboxFaults.API_GET_AUTHORIZER_LIST, api, authorizerApi::authorizerList);
        api(API_AUTHORIZER_OPTION_GET, "/cgi-bin/component/api_get_authorizer_option", "POST",
                SandboxFaults.API_GET_AUTHORIZER_OPTION, api, authorizerApi::authorizerOption);
        api(API_AUTHORIZER_OPTION_SET, "/cgi-bin/component/api_set_authorizer_option", "POST",
                SandboxFaults.API_SET_AUTHORIZER_OPTION, api, authorizerApi::setAuthorizerOption);
        api(API_OWN_OPTION_GET, "/cgi-bin/component/get_authorizer_option", "POST",
                SandboxFaults.GET_AUTHORIZER_OPTION, api, authorizerApi::ownOption);
        api(API_OWN_OPTION_SET, "/cgi-bin/component/set_authorizer_option", "POST",
                SandboxFaults.SET_AUTHORIZER_OPTION, api, authorizerApi::setOwnOption);
        api(API_CALLBACK_IP, "/cgi-bin/getcallbackip", "GET,POST", SandboxFaults.GETCALLBACKIP, api,
                authorizerApi::callbackIp);
        api(API_USER_INFO, "/cgi-bin/user/info", "GET", SandboxFaults.USER_INFO, api, authorizerApi::userInfo);
        api(API_MESSAGE_SEND, "/cgi-bin/message/custom/send", "POST", SandboxFaults.SEND, api,
                authorizerApi::sendMessage);
        // Issue 10: the quota APIs.
        SandboxQuotaHandler quota = new SandboxQuotaHandler(state, api, getCamelContext().getPropertiesComponent()
                .resolveProperty("wechat.sandbox.quota-daily-limit").map(Long::parseLong)
                .orElse(SandboxQuotaHandler.DEFAULT_DAILY_LIMIT));
        api(API_QUOTA_GET, "/cgi-bin/openapi/quota/get", "POST", SandboxFaults.QUOTA_GET, api, quota::quota);
        api(API_CLEAR_QUOTA, "/cgi-bin/component/clear_quota/v2", "POST", SandboxFaults.CLEAR_QUOTA_V2, api,
                quota::clear);
        // JS-SDK on behalf (issue 10)
        api(API_GETTICKET, "/cgi-bin/ticket/getticket", "GET", SandboxFaults.GETTICKET, api,
                new SandboxTicketApiHandler(state, api)::getTicket);

        reply(from(consumer("/cgi-bin/componentloginpage", "GET"))
                .routeId(AUTHORIZATION_PAGE)
                .process(authorization::showPage));

        reply(from(consumer("/safe/bindcomponent", "GET"))
                .routeId(AUTHORIZATION_PAGE_MOBILE)
                .process(authorization::showPage));

        // mapHeaders=false: netty-http would otherwise consume the form body to turn its fields into headers
        sendsAuthorizationPush(reply(from(consumer(SandboxAuthorizationPage.APPROVE_PATH, "POST") + "&mapHeaders=false")
                .routeId(AUTHORIZATION_APPROVE)
                .process(authorization::approveOnPage)));

        deliver(from(direct(AUTHORIZATION_PUSH_SEND))
                .routeId(AUTHORIZATION_PUSH_SEND)
                .removeHeaders("*")
                .process(pusher::prepareAuthorization), pusher, CALL_AUTHORIZATION_RECEIVER);

        from("timer:" + TICKET_PUSH + "?delay=" + settings.sandbox().firstPushDelay().toMillis() + "&period="
                + settings.sandbox().ticketInterval().toMillis())
                .routeId(TICKET_PUSH)
                .to(direct(TICKET_SEND));

        deliver(from(direct(TICKET_SEND))
                .routeId(TICKET_SEND)
                .removeHeaders("*")
                .process(pusher::prepareTicket), pusher, CALL_TICKET_RECEIVER);

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

        sendsAuthorizationPush(reply(from(consumer("/sandbox/authorizations", "POST"))
                .routeId(CONTROL_AUTHORIZATION_APPROVE)
                .process(authorization::approveByControl)));

        sendsAuthorizationPush(reply(from(consumer("/sandbox/authorizers", "POST") + "&matchOnUriPrefix=true")
                .routeId(CONTROL_AUTHORIZER_CHANGE)
                .process(authorization::changeAuthorizer)));

        reply(from(consumer("/sandbox/faults", "POST"))
                .routeId(CONTROL_FAULTS_ADD)
                .process(control::addFault));

        reply(from(consumer("/sandbox/faults", "DELETE"))
                .routeId(CONTROL_FAULTS_CLEAR)
                .process(control::clearFaults));

        reply(from(consumer("/sandbox/state", "GET"))
                .routeId(CONTROL_STATE_SHOW)
                .process(control::showState));

        // Issue 10: WeChat's 全网发布 tester
        SandboxReleaseTester releaseTester = new SandboxReleaseTester(state, crypto,
                settings.sandbox().messagesUrl(), getCamelContext().createProducerTemplate(), mapper);
        reply(from(consumer("/sandbox/release-test", "POST"))
                .routeId(CONTROL_RELEASE_TEST)
                .process(releaseTester::run));
        // Issue 10: web authorization and mini-program login on behalf of accounts.
        SandboxOAuthHandler oauth = new SandboxOAuthHandler(state, api, mapper);
        api(API_OAUTH_ACCESS_TOKEN, "/sns/oauth2/component/access_token", "GET", SandboxFaults.ACCESS_TOKEN, api,
                oauth::accessToken);
        api(API_OAUTH_REFRESH_TOKEN, "/sns/oauth2/component/refresh_token", "GET", SandboxFaults.REFRESH_TOKEN, api,
                oauth::refreshToken);
        api(API_OAUTH_USERINFO, "/sns/userinfo", "GET", SandboxFaults.USERINFO, api, oauth::userInfo);
        api(API_JSCODE2SESSION, "/sns/component/jscode2session", "GET", SandboxFaults.JSCODE2SESSION, api,
                oauth::jscode2session);
        reply(from(consumer(SandboxOAuthPage.AUTHORIZE_PATH, "GET"))
                .routeId(OAUTH_PAGE)
                .process(oauth::showPage));
        reply(from(consumer(SandboxOAuthPage.CONFIRM_PATH, "GET"))
                .routeId(OAUTH_CONFIRM)
                .process(oauth::confirm));
        reply(from(consumer("/sandbox/miniprogram", "POST") + "&matchOnUriPrefix=true")
                .routeId(CONTROL_JS_CODE_MINT)
                .process(oauth::mintJsCode));
        // @formatter:on
    }

    /**
     * A WeChat API route: admit the call (record it, take its fault), wait any injected latency, answer. Under a
     * {@code lose_reply} fault the answer is computed (the work is done) and then {@link SandboxHttpBinding} drops it.
     */
    private RouteDefinition api(String routeId, String path, String methods, String name, SandboxApiHandler api,
            Processor answer) {
        RouteDefinition route = from(consumer(path, methods)).routeId(routeId);
        reply(route
                .process(e -> api.admit(e, name))
                .delay(exchangeProperty(SandboxReply.LATENCY_MS))
                .process(answer));
        return route;
    }

    /** After the reply is set, sends the authorization push the handler left, if any, without waiting for it. */
    private void sendsAuthorizationPush(ProcessorDefinition<?> route) {
        route.filter(exchangeProperty(SandboxPusher.AUTHORIZATION_PUSH).isNotNull())
                .wireTap(direct(AUTHORIZATION_PUSH_SEND));
    }

    /**
     * Ends a push route whose prepare step ran: when {@link SandboxPusher#SEND}, waits any injected latency and POSTs
     * to the receiver with WeChat's 5 s budget, recording the answer or the failure.
     */
    private void deliver(ProcessorDefinition<?> route, SandboxPusher pusher, String nodeId) {
        // @formatter:off
        route.filter(exchangeProperty(SandboxPusher.SEND).isEqualTo(true))
                .delay(exchangeProperty(SandboxReply.LATENCY_MS))
                .setHeader(Exchange.HTTP_METHOD, constant("POST"))
                .setHeader(Exchange.CONTENT_TYPE, constant("text/xml"))
                .setHeader(Exchange.HTTP_QUERY, exchangeProperty(SandboxPusher.QUERY))
                .doTry()
                    .to(pusher.receiverUrl() + "?throwExceptionOnFailure=false"
                            + "&connectTimeout=" + PUSH_CONNECT_TIMEOUT_MS
                            + "&connectionRequestTimeout=" + PUSH_CONNECT_TIMEOUT_MS
                            + "&responseTimeout=" + PUSH_RESPONSE_TIMEOUT_MS).id(nodeId)
                    .process(pusher::answered)
                .doCatch(Exception.class)
                    .process(pusher::failed)
                .end()
            .end();
        // @formatter:on
    }

    /** Ends an HTTP route: no inbound header goes back; status, Content-Type and Location come from the handler. */
    private <T extends ProcessorDefinition<?>> T reply(T route) {
        route.removeHeaders("*").process(SandboxReply::setHeaders);
        return route;
    }

    private String consumer(String path, String method) {
        SandboxSettings sandbox = settings.sandbox();
        return HTTP_COMPONENT + ":http://" + sandbox.host() + ":" + sandbox.port() + path + "?httpMethodRestrict="
                + method
                + "&muteException=true";
    }

    private static String direct(String routeId) {
        return "direct:" + routeId;
    }
}
