package io.wechatopen.camel.osgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.wechatopen.camel.support.RunningBundle;

/**
 * Issue 7 part 7: deploys the feature into a real Karaf 4.4 the way a user does ({@code feature:repo-add} +
 * {@code feature:install wechat-open-camel}) with the sandbox on, then walks the user's path in order: the bundles
 * start, a ticket push comes in and a component token goes out, one account authorizes through the sandbox, a second
 * bundle reads its token through the {@code AuthorizerTokens} OSGi service, the {@code wechat:*} commands answer, a
 * YAML route edited in {@code etc/} takes effect, and a changed cfg restarts the context with the new value and
 * nothing lost.
 *
 * <p>Camel comes from the test-only stand-in features ({@code src/test/karaf/camel-test-features.xml}) unless the
 * build runs with {@code -Pkaraf-official}. The system properties come from failsafe (see the pom).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KarafDeploymentIT {

    private static final String FEATURE = "wechat-open-camel";
    private static final String OUR_BSN = "io.wechatopen.camel";
    private static final String ACCOUNT = "wx7100000000000001";
    private static final String ADMIN_TOKEN = "karaf-it-admin";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static KarafContainer karaf;
    private static boolean officialCamel;
    private static KarafContainer.Shell install;
    private static int httpPort;
    private static int sandboxPort;
    private static Path database;

    @BeforeAll
    static void deploy() throws Exception {
        officialCamel = "official".equals(property("karaf.camel.features"));
        Path work = Path.of(property("karaf.work.dir"));
        karaf = KarafContainer.layOut(Path.of(property("karaf.tarball")), work,
                Path.of(property("karaf.maven.local-repository")));
        Path features = FeatureRepositoryCopy.write(Path.of(property("karaf.features.file")),
                officialCamel ? null : Path.of(property("karaf.camel.stand-in.file")),
                Path.of(property("karaf.bundle.file")),
                RunningBundle.projectDir().resolve("config/io.wechatopen.camel.cfg"),
                work.resolve("wechat-open-camel-features.xml"));
        httpPort = freePort();
        sandboxPort = freePort();
        database = work.resolve("db/wechat");
        // Written before the feature is installed: the feature's template cfg never replaces an existing one.
        karaf.writeEtc("io.wechatopen.camel.cfg", cfg("http://127.0.0.1:" + httpPort));

        long started = System.nanoTime();
        karaf.start();
        install = karaf.shell("feature:repo-add " + features.toUri(), "feature:install " + FEATURE);
        System.out.println("Karaf boot + feature:install " + FEATURE + ": "
                + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
    }

    /**
     * The test's cfg: only what differs from the standalone defaults shipped in the bundle. The sandbox on, so the
     * development credentials of those defaults are accepted.
     */
    private static String cfg(String publicUrl) {
        return String.join("\n",
                "wechat.sandbox.enabled = true",
                "wechat.sandbox.port = " + sandboxPort,
                "wechat.sandbox.first-push-delay = 500ms",
                "wechat.api.base-url = http://127.0.0.1:{{wechat.sandbox.port}}",
                "wechat.http.host = 127.0.0.1",
                "wechat.http.port = " + httpPort,
                "wechat.http.public-url = " + publicUrl,
                "wechat.datasource.url = jdbc:h2:file:" + database + ";WRITE_DELAY=0",
                "wechat.admin.token = " + ADMIN_TOKEN,
                "");
    }

    @AfterAll
    static void stop() {
        if (karaf != null) {
            karaf.close();
        }
    }

    @Test
    @Order(1)
    void featureInstallsAndEveryBundleIsActive() {
        assertThat(install.ok()).as(() -> install.output() + karaf.diagnostics()).isTrue();

        // Names, not symbolic names (-s): only the name column shows "Hosts:" for a fragment.
        KarafContainer.Shell bundles = karaf.shell("bundle:list -t 0");
        List<String> notActive = bundles.output().lines()
                .filter(line -> line.matches("\\s*\\d+ \\|.*"))
                .filter(line -> !line.contains("| Active "))
                // Fragments stay Resolved once attached to their host.
                .filter(line -> !(line.contains("| Resolved ") && line.contains("Hosts:")))
                .toList();
        assertThat(notActive).as(() -> bundles.output() + karaf.diagnostics()).isEmpty();
        assertThat(bundles.output().lines().filter(line -> line.contains("| flyway-mysql")))
                .as(bundles::output)
                .singleElement().satisfies(line -> assertThat(line).contains("| Resolved ", "Hosts:"));
    }

    @Test
    @Order(2)
    void contextStartsWithItsRoutesAndIsPublished() throws Exception {
        assertThat(install.ok()).as(() -> install.output() + karaf.diagnostics()).isTrue();
        await("a CamelContext service from " + OUR_BSN).until(() -> karaf
                .shell("service:list org.apache.camel.CamelContext").output()
                .contains("camel.context.symbolicname = " + OUR_BSN));
        assertThat(karaf.shell("service:list io.wechatopen.camel.AuthorizerTokens").output())
                .contains("camel.context.name = wechat-open-camel");

        await("/wechat/health answering").until(() -> get("/health", null).statusCode() == 200);
        // Issue 9: one start-up summary in karaf.log, no line per route or per consumer (with the loggers the README
        // adds to etc/org.ops4j.pax.logging.cfg, see KarafContainer).
        String log = Files.readString(karaf.home().resolve("data/log/karaf.log"));
        assertThat(occurrences(log, "wechat-open-camel ready in")).as(log).isOne();
        assertThat(occurrences(log, "Netty consumer bound to")).as(log).isLessThan(2);
        assertThat(occurrences(log, "has already been started")).as(log).isLessThan(2);
        assertThat(log).doesNotContain("Started wechat-component-event-receive");
        JsonNode health = JSON.readTree(get("/admin/health", ADMIN_TOKEN).body());
        // Camel's route checks: a route of each YAML file shipped in the bundle is loaded and started.
        for (String route : new String[] {"wechat-component-event-receive", "wechat-authorize-start-receive",
                "wechat-component-token-refresh", "wechat-admin-status-receive", "wechat-account-message-receive",
                "wechat-authorization-changed-log"}) {
            assertThat(check(health, "route:" + route)).as(route + " in " + health).isEqualTo("UP");
        }
        if (officialCamel) {
            // camel:* commands come from camel-karaf-shell, which only the official features provide here.
            assertThat(karaf.shell("camel:context-list").output()).contains("wechat-open-camel", "Started");
            assertThat(karaf.shell("camel:route-list wechat-open-camel").output())
                    .contains("wechat-component-event-receive");
        }
    }

    @Test
    @Order(3)
    void ticketPushInComponentTokenOutShownByStatusCommandAndMetrics() throws Exception {
        // The sandbox pushes an encrypted ticket to the bundle's netty-http consumer; the bundle fetches a token.
        await("a valid component token in wechat:status").until(() -> {
            JsonNode status = shellJson("wechat:status");
            return status.at("/components/0/ticket/present").asBoolean()
                    && status.at("/components/0/component_token/valid").asBoolean();
        });
        // Health and metrics are the same endpoints as standalone, on the bundle's own port.
        HttpResponse<String> metrics = get("/admin/metrics", ADMIN_TOKEN);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("wechat_api_calls_total{api=\"api_component_token\",errcode=\"0\"}")
                .contains("wechat_push_received_total{info_type=\"component_verify_ticket\",outcome=\"stored\"}");
        assertThat(get("/health", null).body()).isEqualTo("{\"status\":\"UP\"}");
    }

    @Test
    @Order(4)
    void accountAuthorizesAndAnotherBundleGetsItsTokenThroughTheOsgiService() throws Exception {
        HttpResponse<String> start = get("/authorize/start", null);
        assertThat(start.statusCode()).as(start.body()).isEqualTo(302);
        Map<String, String> page = RunningBundle.queryOf(start.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> approval = post(sandbox("/sandbox/authorizations"),
                JSON.writeValueAsString(Map.of("pre_auth_code", page.get("pre_auth_code"), "redirect_uri",
                        page.get("redirect_uri"), "authorizer_appid", ACCOUNT)));
        assertThat(approval.statusCode()).as(approval.body()).isEqualTo(200);
        HttpResponse<String> callback = HTTP.send(HttpRequest.newBuilder(
                URI.create(JSON.readTree(approval.body()).path("redirect_url").asText())).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(callback.statusCode()).as(callback.body()).isEqualTo(200);

        assertThat(karaf.shell("wechat:authorizers").output()).contains(ACCOUNT, "AUTHORIZED", "kept");
        assertThat(karaf.shell("wechat:authorizers --status NEEDS_REAUTHORIZATION").output()).doesNotContain(ACCOUNT);

        // The second bundle, dropped into deploy/ as an integrator would, asks the OSGi service for the token.
        Path built = TokenConsumerBundle.build(karaf.home().resolve("token-consumer.jar"));
        Files.move(built, karaf.home().resolve("deploy/token-consumer.jar"), StandardCopyOption.ATOMIC_MOVE);
        String token = await("tokentest:token from the second bundle")
                .until(() -> tokenFromConsumer(), t -> t != null);
        assertThat(validAtSandbox(token)).as("the sandbox accepts the token").isTrue();

        JsonNode status = shellJson("wechat:status");
        assertThat(status.at("/components/0/authorizers/AUTHORIZED").asInt()).isEqualTo(1);
        assertThat(status.toString()).doesNotContain(token);

        // An operator's refresh replaces the token; the service hands out the new one.
        assertThat(karaf.shell("wechat:refresh " + ACCOUNT).output()).contains("Refreshed " + ACCOUNT);
        String refreshed = tokenFromConsumer();
        assertThat(refreshed).isNotEqualTo(token);
        assertThat(validAtSandbox(refreshed)).isTrue();
        assertThat(karaf.shell("wechat:refresh wx7100000000000999").output()).contains("UNKNOWN");

        assertThat(karaf.shell("wechat:authorize-link").output().strip())
                .isEqualTo("http://127.0.0.1:" + httpPort + "/wechat/authorize");
        assertThat(shellJson("wechat:events --failed")).isEmpty();
        assertThat(shellJson("wechat:events --status PROCESSED").toString()).contains(ACCOUNT).doesNotContain(token);
    }

    @Test
    @Order(5)
    void yamlRoutesEditedInEtcTakeEffect() throws Exception {
        String route = """
                - route:
                    id: karaf-it-hello
                    from:
                      uri: "netty-http:http://{{wechat.http.host}}:{{wechat.http.port}}{{wechat.http.context-path}}/karaf-it-hello"
                      steps:
                        - setBody:
                            constant: "%s"
                """;
        karaf.writeEtc("wechat-open-camel/routes/karaf-it-hello.camel.yaml", route.formatted("v1"));
        await("the new route answering v1").until(() -> "v1".equals(get("/karaf-it-hello", null).body()));
        karaf.writeEtc("wechat-open-camel/routes/karaf-it-hello.camel.yaml", route.formatted("v2"));
        await("the edited route answering v2").until(() -> "v2".equals(get("/karaf-it-hello", null).body()));

        // A copy of a shipped file replaces the shipped routes of the same ids: the probe moves to /healthz.
        String admin = Files.readString(RunningBundle.projectDir().resolve("routes/admin.camel.yaml"));
        assertThat(admin).contains("{{wechat.http.context-path}}/health\"");
        karaf.writeEtc("wechat-open-camel/routes/admin.camel.yaml",
                admin.replace("{{wechat.http.context-path}}/health\"", "{{wechat.http.context-path}}/healthz\""));
        await("the probe on /healthz").until(() -> get("/healthz", null).statusCode() == 200);
        assertThat(get("/health", null).statusCode()).isEqualTo(404);
        assertThat(get("/admin/status", ADMIN_TOKEN).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(6)
    void changedCfgRestartsTheContextWithTheNewValueAndNothingLost() throws Exception {
        String token = tokenFromConsumer();
        assertThat(token).isNotNull();
        String publicUrl = "http://karaf-it.example:" + httpPort;
        karaf.writeEtc("io.wechatopen.camel.cfg", cfg(publicUrl));

        await("wechat:authorize-link with the new public URL").until(
                () -> karaf.shell("wechat:authorize-link").output().strip().equals(publicUrl + "/wechat/authorize"));
        await("the restarted context answering").until(() -> get("/admin/status", ADMIN_TOKEN).statusCode() == 200);
        // The account, its tokens and the routes edited in etc/ survive the restart. (The sandbox restarts with the
        // context and forgets what it issued, so the token is compared, not tried.)
        assertThat(karaf.shell("wechat:authorizers").output()).contains(ACCOUNT, "AUTHORIZED", "kept");
        assertThat(tokenFromConsumer()).isEqualTo(token);
        assertThat(get("/karaf-it-hello", null).body()).isEqualTo("v2");
        assertThat(get("/healthz", null).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(7)
    void karafRestartBringsEverythingBackFromDiskAndMigrationsAreFound() throws Exception {
        String token = tokenFromConsumer();
        karaf.close();
        Path log = karaf.home().resolve("data/log/karaf.log");
        long logged = Files.size(log);

        karaf.start();

        await("the context answering after the restart")
                .until(() -> get("/admin/status", ADMIN_TOKEN).statusCode() == 200);
        assertThat(karaf.shell("wechat:authorizers").output()).contains(ACCOUNT, "AUTHORIZED", "kept");
        assertThat(tokenFromConsumer()).isEqualTo(token);
        assertThat(get("/karaf-it-hello", null).body()).isEqualTo("v2");
        // At boot our bundle must not migrate before flyway-core can find the migrations inside it.
        String boot = Files.readString(log).substring((int) logged);
        assertThat(boot).contains("wechat-open-camel started in Karaf")
                .doesNotContain("no migration could be resolved").doesNotContain("The activate method has thrown");
    }

    @Test
    @Order(8)
    void paxJdbcDataSourceServiceNamedInTheCfgReplacesTheOwnPool() throws Exception {
        KarafContainer.Shell paxJdbc = karaf.shell("feature:install pax-jdbc-config pax-jdbc-pool-hikaricp");
        assertThat(paxJdbc.ok()).as(paxJdbc::output).isTrue();
        // The same database, now as a DataSource service that pax-jdbc builds from its own cfg.
        karaf.writeEtc("org.ops4j.datasource-wechat.cfg", String.join("\n",
                "osgi.jdbc.driver.name = H2 JDBC Driver",
                "url = jdbc:h2:file:" + database + ";WRITE_DELAY=0",
                "user = sa",
                "password = ",
                "dataSourceName = jdbc/wechat",
                "pool = hikari",
                "xa = false",
                ""));
        karaf.writeEtc("io.wechatopen.camel.cfg", cfg("http://karaf-it.example:" + httpPort)
                + "dataSource.target = (osgi.jndi.service.name=jdbc/wechat)\n"
                + "dataSource.cardinality.minimum = 1\n");

        await("our component using the pax-jdbc DataSource").until(() -> {
            String services = karaf.shell("service:list javax.sql.DataSource").output();
            return services.contains("Used by:") && services.contains("wechat-open-camel (");
        });
        await("the context answering on the DataSource service")
                .until(() -> get("/admin/status", ADMIN_TOKEN).statusCode() == 200);
        assertThat(karaf.shell("wechat:authorizers").output()).contains(ACCOUNT, "AUTHORIZED", "kept");
    }

    private static String tokenFromConsumer() {
        KarafContainer.Shell shell = karaf.shell("tokentest:token " + ACCOUNT);
        return shell.output().lines().filter(line -> line.startsWith("token=")).map(line -> line.substring(6))
                .findFirst().orElse(null);
    }

    /** Whether the sandbox takes {@code token} as an authorizer access token ({@code getcallbackip}). */
    private static boolean validAtSandbox(String token) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(sandbox("/cgi-bin/getcallbackip"
                + "?access_token=" + token))).GET().build(), HttpResponse.BodyHandlers.ofString());
        return answer.statusCode() == 200 && JSON.readTree(answer.body()).has("ip_list");
    }

    private static JsonNode shellJson(String command) throws IOException {
        KarafContainer.Shell shell = karaf.shell(command);
        String output = shell.output();
        int start = 0;
        while (start < output.length() && output.charAt(start) != '{' && output.charAt(start) != '[') {
            start++;
        }
        if (!shell.ok() || start == output.length()) {
            throw new IllegalStateException(command + " answered: " + output + karaf.diagnostics());
        }
        return JSON.readTree(output.substring(start));
    }

    private static String check(JsonNode health, String id) {
        for (JsonNode check : health.path("checks")) {
            if (id.equals(check.path("id").asText())) {
                return check.path("status").asText();
            }
        }
        return "missing";
    }

    private static HttpResponse<String> get(String path, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/wechat"
                + path)).timeout(Duration.ofSeconds(10)).GET();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> post(String url, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String sandbox(String path) {
        return "http://127.0.0.1:" + sandboxPort + path;
    }

    /** Waits up to 90 s, polling each second; connection refusals while the context (re)starts count as "not yet". */
    private static int occurrences(String text, String part) {
        int count = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            count++;
        }
        return count;
    }

    private static ConditionFactory await(String what) {
        return Awaitility.await(what).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .ignoreExceptionsMatching(e -> e instanceof IOException || e instanceof IllegalStateException);
    }

    private static String property(String key) {
        String value = System.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("System property " + key + " is not set (failsafe sets it; see the pom)");
        }
        return value;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
