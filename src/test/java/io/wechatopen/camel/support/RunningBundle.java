package io.wechatopen.camel.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.apache.camel.test.AvailablePortFinder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.wechatopen.camel.boot.Application;

/**
 * The whole bundle as {@code mvn compile camel:run} starts it (the committed {@code config/application.properties}
 * and {@code routes/*.camel.yaml}, through {@link Application#configure}), on free loopback ports with a private
 * in-memory H2 database, plus helpers to talk to it over real HTTP.
 */
public final class RunningBundle implements AutoCloseable {

    /**
     * The admin token of every bundle started here. Not the committed {@code dev-} token: that one is refused
     * unless the API is the bundle's own sandbox (issue 6 item 9), and some tests run without the sandbox.
     */
    public static final String ADMIN_TOKEN = "test-admin-token";
    /** The store key of every bundle started here, not the committed development key (refused as above). */
    public static final String STORE_KEY = "test:cnVubmluZy1idW5kbGUtdGVzdC1rZXktMzItYnl0ZXM=";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Main main;
    private final int httpPort;
    private final int sandboxPort;

    private RunningBundle(Main main, int httpPort, int sandboxPort) {
        this.main = main;
        this.httpPort = httpPort;
        this.sandboxPort = sandboxPort;
    }

    /** Starts the bundle with the given property overrides on top of the test defaults. */
    public static RunningBundle start(Map<String, String> overrides) throws Exception {
        int httpPort = AvailablePortFinder.getNextAvailable();
        int sandboxPort = AvailablePortFinder.getNextAvailable();
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("wechat.http.host", "127.0.0.1");
        properties.put("wechat.http.port", String.valueOf(httpPort));
        properties.put("wechat.http.public-url", "http://127.0.0.1:" + httpPort);
        properties.put("wechat.sandbox.port", String.valueOf(sandboxPort));
        properties.put("wechat.datasource.url", "jdbc:h2:mem:bundle-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        properties.put("wechat.api.redelivery-delay", "100ms");
        // Tests start many authorizations from one address; the rate limit of starts has its own test.
        properties.put("wechat.authorize.start-rate-per-client", "100000");
        properties.put("wechat.authorize.start-rate", "100000");
        properties.put("wechat.store.encryption-key", STORE_KEY);
        properties.put("wechat.admin.token", ADMIN_TOKEN);
        properties.put("wechat.component.appsecret", "running-bundle-test-appsecret");
        // The first ticket soon after start (WeChat's first push is minutes away; tests wait for its token). Tests
        // that need the time before it set their own delay.
        properties.put("wechat.sandbox.first-push-delay", "200ms");
        properties.putAll(overrides);

        Path projectDir = projectDir();
        Main main = new Main();
        main.setPropertyPlaceholderLocations("file:" + projectDir.resolve("config/application.properties"));
        properties.forEach(main::addOverrideProperty);
        Application.configure(main.configure(), projectDir.resolve("routes").toString());
        main.start();
        // The supervising route controller starts routes in the background.
        CamelContext context = main.getCamelContext();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> context.getRoutes().stream()
                .allMatch(route -> context.getRouteController().getRouteStatus(route.getRouteId()).isStarted()));
        return new RunningBundle(main, httpPort, sandboxPort);
    }

    public static Path projectDir() {
        return Path.of(System.getProperty("wechat.project.dir", ".")).toAbsolutePath().normalize();
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public DataSource dataSource() {
        return context().getRegistry().lookupByNameAndType("wechatDataSource", DataSource.class);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + httpPort + "/wechat";
    }

    public String eventsUrl() {
        return baseUrl() + "/component/events";
    }

    public String sandboxUrl() {
        return "http://127.0.0.1:" + sandboxPort;
    }

    public HttpResponse<String> post(String url, String contentType, String body) throws IOException,
            InterruptedException {
        return client().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String url, String bearer) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return client().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends any request with a fresh client. */
    public HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return client().send(request, HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A client per request: no pooled connection is reused after a refusal that closed it (Netty closes the
     * connection after answering 413 to an oversized body).
     */
    private static HttpClient client() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** {@code GET /wechat/admin/status} with {@link #ADMIN_TOKEN}, parsed. */
    public JsonNode status() throws IOException, InterruptedException {
        HttpResponse<String> response = get(baseUrl() + "/admin/status", ADMIN_TOKEN);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("admin status answered " + response.statusCode());
        }
        return JSON.readTree(response.body());
    }

    /** {@code GET /sandbox/state}, parsed. */
    public JsonNode sandboxState() throws IOException, InterruptedException {
        return JSON.readTree(get(sandboxUrl() + "/sandbox/state", null).body());
    }

    /** {@code POST /sandbox/faults} with a JSON fault. */
    public void injectFault(String json) throws IOException, InterruptedException {
        HttpResponse<String> response = post(sandboxUrl() + "/sandbox/faults", "application/json", json);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("fault refused: " + response.statusCode() + " " + response.body());
        }
    }

    /** {@code GET /wechat/authorize/start?query}, not following the redirect. */
    public HttpResponse<String> startAuthorization(String query) throws IOException, InterruptedException {
        return get(baseUrl() + "/authorize/start" + (query == null || query.isEmpty() ? "" : "?" + query), null);
    }

    /** The decoded query parameters of a URL (the fragment dropped). */
    public static Map<String, String> queryOf(String url) {
        Map<String, String> query = new LinkedHashMap<>();
        String raw = URI.create(url.replace("#wechat_redirect", "")).getRawQuery();
        if (raw == null) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            query.put(java.net.URLDecoder.decode(name, java.nio.charset.StandardCharsets.UTF_8),
                    java.net.URLDecoder.decode(value, java.nio.charset.StandardCharsets.UTF_8));
        }
        return query;
    }

    /**
     * A merchant approves, through the sandbox's control API (which also sends the {@code authorized} push), the
     * attempt that {@code location} (our redirect to WeChat's page) started.
     *
     * @return the sandbox's reply: auth_code, authorizer_appid, redirect_url
     */
    public JsonNode approve(String location, String authorizerAppid) throws IOException, InterruptedException {
        Map<String, String> page = queryOf(location);
        String body = JSON.writeValueAsString(Map.of("pre_auth_code", page.get("pre_auth_code"), "redirect_uri",
                page.get("redirect_uri"), "authorizer_appid", authorizerAppid));
        HttpResponse<String> response = post(sandboxUrl() + "/sandbox/authorizations", "application/json", body);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("approval refused: " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /**
     * The whole flow without a browser: start, approve in the sandbox, follow WeChat's redirect to our callback.
     *
     * @return the callback's answer
     */
    public HttpResponse<String> authorize(String authorizerAppid) throws IOException, InterruptedException {
        HttpResponse<String> start = startAuthorization("");
        if (start.statusCode() != 302) {
            throw new IllegalStateException("start answered " + start.statusCode() + ": " + start.body());
        }
        String location = start.headers().firstValue("Location").orElseThrow();
        JsonNode approval = approve(location, authorizerAppid);
        return get(approval.path("redirect_url").asText(), null);
    }

    /** Posts to a sandbox control path. */
    public HttpResponse<String> sandboxControl(String path, String json) throws IOException, InterruptedException {
        return post(sandboxUrl() + path, "application/json", json == null ? "" : json);
    }

    /** Overrides for a bundle without the sandbox and without API retries: only the pushes a test sends arrive. */
    public static final Map<String, String> NO_SANDBOX = Map.of("wechat.sandbox.enabled", "false",
            "wechat.api.maximum-redeliveries", "0");

    /** The component appid of the primary platform, as configured. */
    public String componentAppid() {
        return context().resolvePropertyPlaceholders("{{wechat.component.appid}}");
    }

    /** Push builder with the primary platform's configured credentials. */
    public TestPushes pushes() {
        return new TestPushes(componentAppid(), context().resolvePropertyPlaceholders("{{wechat.component.token}}"),
                context().resolvePropertyPlaceholders("{{wechat.component.encoding-aes-key}}"));
    }

    public <T> T bean(String name, Class<T> type) {
        return context().getRegistry().lookupByNameAndType(name, type);
    }

    /** Runs a single-number query, e.g. {@code SELECT COUNT(*) FROM wechat_authorization_event}. */
    public long count(String sql, Object... parameters) throws SQLException {
        try (Connection connection = dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Reads one text column of one row. */
    public String text(String sql, Object... parameters) throws SQLException {
        try (Connection connection = dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    @Override
    public void close() throws Exception {
        main.stop();
        main.shutdown();
    }
}
