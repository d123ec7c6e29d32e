package io.wechatopen.camel.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.test.AvailablePortFinder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.wechatopen.camel.config.SettingsSource;
import io.wechatopen.camel.config.WeChatSettings;
import io.wechatopen.camel.crypto.WeChatMessageCrypto;
import io.wechatopen.camel.sandbox.SandboxRoutes;
import io.wechatopen.camel.sandbox.SandboxState;
import io.wechatopen.camel.store.SecretSealer;

/**
 * The WeChat sandbox in the test JVM, on a free loopback port, pushing to a bundle that runs elsewhere (a
 * {@link StandaloneProcess}), so it keeps its state (codes used, tokens issued) when that bundle is killed. Its timer
 * never pushes by itself; tests push tickets with {@link #mintTicket()} or the control API.
 *
 * <p>{@link #bundleSettings()} gives the settings a bundle needs to use it: the same component credentials, its API
 * and authorization page, and non-development secrets (a fresh store key, a random admin token), because the
 * committed development ones are refused when the API is not the bundle's own sandbox.
 */
public final class DetachedSandbox implements AutoCloseable {

    /** The component this sandbox simulates, and the bundles using it are configured with. */
    public static final String COMPONENT_APPID = "wx0123456789abcdef";
    static final String COMPONENT_SECRET = "detached-sandbox-appsecret";
    static final String COMPONENT_TOKEN = "sandboxtoken";
    static final String COMPONENT_AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DefaultCamelContext context;
    private final SandboxState state;
    private final int port;
    private final String storeKey = "it:" + SecretSealer.generateKey();
    private final String adminToken = "it-admin-" + SecretSealer.generateKey().replaceAll("[^A-Za-z0-9]", "");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private DetachedSandbox(DefaultCamelContext context, SandboxState state, int port) {
        this.context = context;
        this.state = state;
        this.port = port;
    }

    /** Starts the sandbox, pushing to {@code pushUrl}, issuing tokens valid for WeChat's 2 h. */
    public static DetachedSandbox start(String pushUrl) throws Exception {
        return start(pushUrl, Duration.ofHours(2));
    }

    /**
     * Starts the sandbox, pushing to {@code pushUrl}, issuing access tokens valid for {@code tokenLifetime}
     * ({@code wechat.sandbox.token-lifetime}: short values compress refresh cycles into seconds).
     */
    public static DetachedSandbox start(String pushUrl, Duration tokenLifetime) throws Exception {
        int port = AvailablePortFinder.getNextAvailable();
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("wechat.component.appid", COMPONENT_APPID);
        properties.put("wechat.component.appsecret", COMPONENT_SECRET);
        properties.put("wechat.component.token", COMPONENT_TOKEN);
        properties.put("wechat.component.encoding-aes-key", COMPONENT_AES_KEY);
        properties.put("wechat.store.encryption-key", "it:" + SecretSealer.generateKey());
        properties.put("wechat.admin.token", "it-admin-token");
        properties.put("wechat.api.base-url", "http://127.0.0.1:" + port);
        properties.put("wechat.sandbox.enabled", "true");
        properties.put("wechat.sandbox.port", String.valueOf(port));
        properties.put("wechat.sandbox.ticket-interval", "1h");
        properties.put("wechat.sandbox.first-push-delay", "1h");
        properties.put("wechat.sandbox.push-url", pushUrl);
        WeChatSettings settings = WeChatSettings.load(
                new SettingsSource(key -> Optional.ofNullable(properties.get(key)), "DetachedSandbox"));
        SandboxState state = new SandboxState(settings.component(), Clock.systemUTC(), tokenLifetime);
        DefaultCamelContext context = new DefaultCamelContext();
        context.getCamelContextExtension().setName("detached-sandbox");
        context.addRoutes(new SandboxRoutes(settings, state,
                new WeChatMessageCrypto(COMPONENT_TOKEN, COMPONENT_AES_KEY, COMPONENT_APPID)));
        context.start();
        return new DetachedSandbox(context, state, port);
    }

    /**
     * What a bundle needs to use this sandbox as WeChat: component credentials, {@code wechat.api.base-url},
     * {@code wechat.authorize.page-url}, a fresh {@code wechat.store.encryption-key} ({@code it:<base64>}), a random
     * {@code wechat.admin.token}, and API retries 100 ms apart.
     */
    public Map<String, String> bundleSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("wechat.component.appid", COMPONENT_APPID);
        settings.put("wechat.component.appsecret", COMPONENT_SECRET);
        settings.put("wechat.component.token", COMPONENT_TOKEN);
        settings.put("wechat.component.encoding-aes-key", COMPONENT_AES_KEY);
        settings.put("wechat.api.base-url", baseUrl());
        settings.put("wechat.authorize.page-url", baseUrl() + "/cgi-bin/componentloginpage");
        settings.put("wechat.authorize.mobile-page-url", baseUrl() + "/safe/bindcomponent");
        settings.put("wechat.store.encryption-key", storeKey);
        settings.put("wechat.admin.token", adminToken);
        settings.put("wechat.api.redelivery-delay", "100ms");
        return settings;
    }

    /** The store key given to bundles by {@link #bundleSettings()}, to open the secrets they stored. */
    public SecretSealer sealer() {
        return SecretSealer.fromKeys(storeKey);
    }

    /** The admin token given to bundles by {@link #bundleSettings()}. */
    public String adminToken() {
        return adminToken;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** The sandbox's state, to inspect what WeChat holds (refresh tokens, calls, pushes). */
    public SandboxState state() {
        return state;
    }

    /** A fresh ticket, as WeChat mints one before pushing it; the caller delivers it. */
    public String mintTicket() {
        return state.mintTicket();
    }

    /** Builds pushes signed and encrypted with this sandbox's component credentials. */
    public TestPushes pushes() {
        return new TestPushes(COMPONENT_APPID, COMPONENT_TOKEN, COMPONENT_AES_KEY);
    }

    /** The refresh token WeChat holds for the account now ({@code ""} before its first exchange). */
    public String refreshToken(String authorizerAppid) {
        Map<String, Object> info = state.authorizations().authorizerInfo(COMPONENT_APPID, authorizerAppid);
        Object authorization = info.get("authorization_info");
        if (!(authorization instanceof Map<?, ?> map)) {
            throw new IllegalStateException(authorizerAppid + " is not authorized at the sandbox: " + info.keySet());
        }
        return String.valueOf(map.get("authorizer_refresh_token"));
    }

    /** Whether WeChat accepts this authorizer access token now (errcode 0). */
    public boolean accessTokenValid(String token) {
        return state.authorizations().checkAccessToken(token, "it_check").errcode() == 0;
    }

    /** How many calls of a WeChat API (e.g. {@code api_authorizer_token}) the sandbox received. */
    public long calls(String api) {
        return state.calls(api);
    }

    /** {@code POST /sandbox/faults}. */
    public void fault(String json) throws IOException, InterruptedException {
        control("/sandbox/faults", json);
    }

    /** {@code DELETE /sandbox/faults}: every queued fault is cleared. */
    public void clearFaults() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/sandbox/faults"))
                .timeout(Duration.ofSeconds(30)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("clearing faults answered " + response.statusCode());
        }
    }

    /** How many pushes of an {@code InfoType} the receiver accepted (200 {@code success}). */
    public long acceptedPushes(String infoType) {
        return state.pushResults().stream().filter(p -> infoType.equals(p.infoType()) && p.accepted()).count();
    }

    /** POSTs JSON to a control path and returns the parsed 200 answer. */
    public JsonNode control(String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json == null ? "" : json)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /**
     * A merchant approves as {@code authorizerAppid} on the page our {@code /authorize/start} redirected to
     * ({@code location}): the sandbox sends the {@code authorized} push and returns where it sends the browser.
     *
     * @return the callback URL with {@code auth_code}
     */
    public String approve(String location, String authorizerAppid) throws IOException, InterruptedException {
        Map<String, String> page = RunningBundle.queryOf(location);
        JsonNode approval = control("/sandbox/authorizations", JSON.writeValueAsString(Map.of("pre_auth_code",
                page.get("pre_auth_code"), "redirect_uri", page.get("redirect_uri"), "authorizer_appid",
                authorizerAppid)));
        return approval.path("redirect_url").asText();
    }

    @Override
    public void close() throws Exception {
        context.close();
    }
}
