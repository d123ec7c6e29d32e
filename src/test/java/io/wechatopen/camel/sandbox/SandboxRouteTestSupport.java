package io.wechatopen.camel.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.AvailablePortFinder;
import org.apache.camel.test.junit5.CamelTestSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.wechatopen.camel.config.SettingsSource;
import io.wechatopen.camel.config.WeChatSettings;
import io.wechatopen.camel.crypto.SafeXml;
import io.wechatopen.camel.crypto.WeChatMessageCrypto;
import io.wechatopen.camel.support.MutableClock;

/**
 * Starts {@link SandboxRoutes} on a free port next to a tiny receiver route on another free port that stands in
 * for the bundle's 授权事件接收URL: it verifies both signatures, decrypts the push (ticket or authorization event)
 * and answers {@code success}.
 */
abstract class SandboxRouteTestSupport extends CamelTestSupport {

    static final String APPID = "wx0123456789abcdef";
    static final String SECRET = "sandbox-test-appsecret";
    static final String MESSAGE_TOKEN = "sandboxtoken";
    static final String AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    static final String RECEIVER_ROUTE = "test-ticket-receiver";
    static final String RECEIVER_PATH = "/wechat/component/events";

    protected final int sandboxPort = AvailablePortFinder.getNextAvailable();
    protected final int receiverPort = otherFreePort(sandboxPort);
    protected final WeChatMessageCrypto crypto = new WeChatMessageCrypto(MESSAGE_TOKEN, AES_KEY, APPID);
    protected final MutableClock clock = new MutableClock(Instant.now());
    protected final List<ReceivedPush> received = new CopyOnWriteArrayList<>();
    protected final ObjectMapper json = new ObjectMapper();
    protected volatile int receiverStatus = 200;
    protected volatile String receiverBody = "success";
    protected WeChatSettings settings;
    protected SandboxState state;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** {@code wechat.sandbox.ticket-interval}: long by default so that only the first and explicit pushes happen. */
    protected String ticketInterval() {
        return "1h";
    }

    /** {@code wechat.sandbox.token-lifetime}, or {@code null} to leave it unset (2 h). */
    protected String tokenLifetime() {
        return null;
    }

    /** {@code wechat.sandbox.push-url}: the receiver route by default. */
    protected String pushUrl() {
        return "http://127.0.0.1:" + receiverPort + RECEIVER_PATH;
    }

    private static int otherFreePort(int taken) {
        int port = AvailablePortFinder.getNextAvailable();
        while (port == taken) {
            port = AvailablePortFinder.getNextAvailable();
        }
        return port;
    }

    @Override
    protected RoutesBuilder[] createRouteBuilders() {
        Map<String, String> properties = new HashMap<>();
        properties.put("wechat.component.appid", APPID);
        properties.put("wechat.component.appsecret", SECRET);
        properties.put("wechat.component.token", MESSAGE_TOKEN);
        properties.put("wechat.component.encoding-aes-key", AES_KEY);
        properties.put("wechat.store.encryption-key", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
        properties.put("wechat.admin.token", "admin-token");
        properties.put("wechat.api.base-url", "http://127.0.0.1:" + sandboxPort);
        properties.put("wechat.sandbox.enabled", "true");
        properties.put("wechat.sandbox.port", String.valueOf(sandboxPort));
        properties.put("wechat.sandbox.ticket-interval", ticketInterval());
        properties.put("wechat.sandbox.push-url", pushUrl());
        if (tokenLifetime() != null) {
            properties.put("wechat.sandbox.token-lifetime", tokenLifetime());
        }
        settings = WeChatSettings.load(new SettingsSource(key -> Optional.ofNullable(properties.get(key)), "test"));
        state = new SandboxState(settings.component(), clock, settings.sandbox().tokenLifetime());
        return new RoutesBuilder[] {new SandboxRoutes(settings, state, crypto), receiverRoutes()};
    }

    private RouteBuilder receiverRoutes() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // @formatter:off
                from("netty-http:http://127.0.0.1:" + receiverPort + RECEIVER_PATH + "?httpMethodRestrict=POST")
                        .routeId(RECEIVER_ROUTE)
                        .process(SandboxRouteTestSupport.this::receive);
                // @formatter:on
            }
        };
    }

    /** Verifies and decrypts a push exactly as the bundle must, and records it. */
    private void receive(Exchange exchange) {
        var in = exchange.getMessage();
        String timestamp = in.getHeader("timestamp", String.class);
        String nonce = in.getHeader("nonce", String.class);
        String body = in.getBody(String.class);
        Map<String, String> envelope = SafeXml.parseFlat(body);
        String encrypt = envelope.get("Encrypt");
        crypto.verifySignature(in.getHeader("signature", String.class), timestamp, nonce);
        crypto.verifyMsgSignature(in.getHeader("msg_signature", String.class), timestamp, nonce, encrypt);
        String plaintext = crypto.decrypt(encrypt);
        received.add(new ReceivedPush(in.getHeader(Exchange.HTTP_QUERY, String.class),
                in.getHeader(Exchange.CONTENT_TYPE, String.class), in.getHeader("encrypt_type", String.class),
                timestamp, nonce, envelope, plaintext, SafeXml.parseFlat(plaintext)));
        in.removeHeaders("*");
        in.setHeader(Exchange.HTTP_RESPONSE_CODE, receiverStatus);
        in.setHeader(Exchange.CONTENT_TYPE, "text/plain");
        in.setBody(receiverBody);
    }

    /** The ticket of the last ticket push the receiver accepted. */
    protected String lastReceivedTicket() {
        List<ReceivedPush> tickets = received("component_verify_ticket");
        assertThat(tickets).isNotEmpty();
        return tickets.get(tickets.size() - 1).fields().get("ComponentVerifyTicket");
    }

    protected HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json"));
    }

    protected HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    protected HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    protected HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    protected URI uri(String path) {
        return URI.create("http://127.0.0.1:" + sandboxPort + path);
    }

    protected JsonNode parse(HttpResponse<String> response) throws IOException {
        return json.readTree(response.body());
    }

    /** Asks the sandbox to push a ticket now and returns its JSON answer. */
    protected JsonNode pushNow() throws IOException, InterruptedException {
        HttpResponse<String> response = post("/sandbox/tickets/push", "");
        assertThat(response.statusCode()).isEqualTo(200);
        return parse(response);
    }

    protected JsonNode componentToken(String appid, String secret, String ticket)
            throws IOException, InterruptedException {
        Map<String, String> body = new HashMap<>();
        body.put("component_appid", appid);
        body.put("component_appsecret", secret);
        body.put("component_verify_ticket", ticket);
        HttpResponse<String> response = post("/cgi-bin/component/api_component_token", json.writeValueAsString(body));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; encoding=utf-8");
        return parse(response);
    }

    protected HttpResponse<String> addFault(String faultJson) throws IOException, InterruptedException {
        return post("/sandbox/faults", faultJson);
    }

    /** POSTs an {@code application/x-www-form-urlencoded} body, as a browser submits a form. */
    protected HttpResponse<String> postForm(String path, String form) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(form))
                .header("Content-Type", "application/x-www-form-urlencoded"));
    }

    /** Pushes a ticket and obtains a component access token with it. */
    protected String obtainComponentToken() throws IOException, InterruptedException {
        pushNow();
        return componentToken(APPID, SECRET, lastReceivedTicket()).get("component_access_token").asText();
    }

    /** {@code api_create_preauthcode} with the component token. */
    protected String createPreAuthCode(String componentToken) throws IOException, InterruptedException {
        JsonNode reply = parse(post("/cgi-bin/component/api_create_preauthcode?component_access_token="
                + componentToken, "{\"component_appid\":\"" + APPID + "\"}"));
        assertThat(reply.has("pre_auth_code")).as(reply.toString()).isTrue();
        return reply.get("pre_auth_code").asText();
    }

    /** A component API call with the component token in the query, parsed. */
    protected JsonNode componentApi(String api, String componentToken, String body)
            throws IOException, InterruptedException {
        HttpResponse<String> response = post("/cgi-bin/component/" + api + "?component_access_token="
                + componentToken, body);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; encoding=utf-8");
        return parse(response);
    }

    /** The pushes of one {@code InfoType} the receiver got so far. */
    protected List<ReceivedPush> received(String infoType) {
        return received.stream().filter(p -> infoType.equals(p.fields().get("InfoType"))).toList();
    }

    protected static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /**
     * A push as the receiver saw it.
     *
     * @param query the raw query string
     * @param contentType the request's Content-Type
     * @param encryptType the {@code encrypt_type} parameter
     * @param timestamp the {@code timestamp} parameter
     * @param nonce the {@code nonce} parameter
     * @param envelope the fields of the outer XML
     * @param plaintext the decrypted XML
     * @param fields the fields of the decrypted XML
     */
    record ReceivedPush(String query, String contentType, String encryptType, String timestamp, String nonce,
            Map<String, String> envelope, String plaintext, Map<String, String> fields) {
    }
}
