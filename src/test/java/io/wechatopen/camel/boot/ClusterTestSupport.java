package io.wechatopen.camel.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.wechatopen.camel.crypto.EncryptedPush;
import io.wechatopen.camel.model.AuthorizerRecord;
import io.wechatopen.camel.model.AuthorizerStatus;
import io.wechatopen.camel.sandbox.SandboxRequest;
import io.wechatopen.camel.store.JdbcAuthorizerStore;
import io.wechatopen.camel.store.TestDatabases;
import io.wechatopen.camel.store.TestDatabases.Db;
import io.wechatopen.camel.store.TestDatabases.Vendor;
import io.wechatopen.camel.support.DetachedSandbox;
import io.wechatopen.camel.support.RunningBundle;
import io.wechatopen.camel.support.StandaloneProcess;
import io.wechatopen.camel.support.TestPushes;

/**
 * Issue 8: three standalone jars, each its own JVM, on one fresh database of {@link #vendor()} and one WeChat sandbox
 * (in the test JVM, so it outlives them), form one platform. Time is compressed: the sandbox issues tokens valid for
 * {@value #TOKEN_LIFETIME_S} s and the bundles refresh them {@value #REFRESH_SKEW_S} s before expiry, so a refresh
 * cycle lasts about {@value #CYCLE_S} s; the schedules fire every 2 s and leases last {@value #LEASE_S} s.
 *
 * <p>The steps share the processes and run in order: one view on every instance; 50 authorizations whose notices
 * reach the recording integrator route exactly once; one component token fetch and one refresh per account per
 * cycle over several cycles; {@code kill -9} of the instance holding sweep leases, after which the others finish the
 * cycle; {@code kill -9} of an instance right after it committed a change and took its notice, after which another
 * delivers it, once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ClusterTestSupport {

    static final int TOKEN_LIFETIME_S = 30;
    static final int REFRESH_SKEW_S = 20;
    static final int CYCLE_S = TOKEN_LIFETIME_S - REFRESH_SKEW_S;
    static final int LEASE_S = 10;
    /** A second refresh of one account within this time of the first is a duplicate of the same cycle. */
    static final Duration SAME_CYCLE = Duration.ofSeconds(CYCLE_S - 2);
    private static final int ACCOUNTS = 50;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Db db;
    private DetachedSandbox sandbox;
    private TestPushes pushes;
    private final Map<String, StandaloneProcess> nodes = new LinkedHashMap<>();
    /** Every WeChat API request, beyond the sandbox's own short log. */
    private final List<SandboxRequest> requests = new CopyOnWriteArrayList<>();

    /** The database the instances share. */
    abstract Vendor vendor();

    @BeforeAll
    void startCluster() throws Exception {
        db = TestDatabases.empty(vendor());
        execute("CREATE TABLE it_notice_record (notice_id VARCHAR(64), node_id VARCHAR(64),"
                + " authorizer_appid VARCHAR(64), change_kind VARCHAR(32))");
        Path routes = recordingRoutes();
        for (String name : List.of("node-a", "node-b", "node-c")) {
            nodes.put(name, StandaloneProcess.create("cluster-" + vendor().name().toLowerCase() + "-" + name,
                    Map.of("wechat.cluster.node-id", name)));
        }
        sandbox = DetachedSandbox.start(node("node-a").eventsUrl(), Duration.ofSeconds(TOKEN_LIFETIME_S));
        sandbox.state().addRequestListener(requests::add);
        pushes = sandbox.pushes();
        Map<String, String> settings = new LinkedHashMap<>(sandbox.bundleSettings());
        settings.put("wechat.datasource.url", db.url());
        settings.put("wechat.datasource.username", db.user());
        settings.put("wechat.datasource.password", db.password());
        settings.put("wechat.token.refresh-skew", REFRESH_SKEW_S + "s");
        settings.put("wechat.schedule.component-token-refresh.cron", "0/2 * * * * ?");
        settings.put("wechat.schedule.authorizer-token-refresh.cron", "1/2 * * * * ?");
        settings.put("wechat.schedule.authorization-event-handle.cron", "0/5 * * * * ?");
        settings.put("wechat.cluster.lease-duration", LEASE_S + "s");
        settings.put("it.notice-delay-ms", "0");
        for (StandaloneProcess node : nodes.values()) {
            node.with(settings).with(Map.of("wechat.routes.dir", routes.toString()));
        }
        // all at once, on a database no instance has migrated yet
        CompletableFuture.allOf(nodes.values().stream().map(node -> CompletableFuture.runAsync(() -> {
            try {
                node.start();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        })).toArray(CompletableFuture[]::new)).join();
    }

    @AfterAll
    void stopCluster() throws Exception {
        for (StandaloneProcess node : nodes.values()) {
            node.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    @Order(1)
    void everyInstanceWhenStartedTogetherThenShowsTheSameStatusAndAllInstances() throws Exception {
        HttpResponse<String> answer = pushTicket(node("node-b"));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (StandaloneProcess node : nodes.values()) {
                JsonNode status = status(node);
                assertThat(status.path("instances").findValuesAsText("node_id"))
                        .as(node + " " + status.path("instances")).containsExactlyInAnyOrder("node-a", "node-b",
                                "node-c");
                JsonNode component = status.path("components").get(0);
                assertThat(component.path("component_token").path("valid").asBoolean()).as(component.toString())
                        .isTrue();
            }
        });
        // read from the database: the same ticket, token and counts (retried, since a refresh may fall between reads)
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<String> views = new ArrayList<>();
            for (StandaloneProcess node : nodes.values()) {
                JsonNode component = status(node).path("components").get(0);
                views.add(component.path("ticket").path("create_time").asText() + " "
                        + component.path("component_token").path("expires_at").asText() + " "
                        + component.path("events_received") + " " + component.path("authorizers") + " "
                        + component.path("last_error").path("at").asText());
            }
            assertThat(views).as("the same view on every instance").containsOnly(views.get(0));
        });
    }

    @Test
    @Order(2)
    void fiftyAuthorizationsWhenPushedThenEveryAccountStoredAndEachNoticeDeliveredOnce() throws Exception {
        for (int i = 0; i < ACCOUNTS; i++) {
            String preAuthCode = String.valueOf(sandbox.state().authorizations()
                    .createPreAuthCode(DetachedSandbox.COMPONENT_APPID).get("pre_auth_code"));
            // the sandbox sends the authorized push to node-a; any instance may process it
            sandbox.control("/sandbox/authorizations", "{\"pre_auth_code\":\"" + preAuthCode
                    + "\",\"authorizer_appid\":\"" + appid(i) + "\"}");
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(authorizers()).filteredOn(a -> a.status() == AuthorizerStatus.AUTHORIZED && a.hasRefreshToken())
                    .hasSize(ACCOUNTS);
            assertThat(count("SELECT COUNT(DISTINCT authorizer_appid) FROM it_notice_record WHERE change_kind = ?",
                    "authorized")).isEqualTo(ACCOUNTS);
        });
        assertThat(sandbox.calls("api_query_auth")).as("each code exchanged once").isEqualTo(ACCOUNTS);
        assertThat(duplicateNotices()).as("notices recorded more than once").isEmpty();
    }

    @Test
    @Order(3)
    void refreshCyclesWhenThreeInstancesRunThenEachTokenIsFetchedOncePerCycle() {
        Instant from = Instant.now();
        // several cycles of every account's token and of the component token
        await().atMost(Duration.ofSeconds(6L * CYCLE_S)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            Map<String, List<Instant>> perAccount = refreshesPerAccount(from);
            return perAccount.size() == ACCOUNTS && perAccount.values().stream().allMatch(times -> times.size() >= 3);
        });
        Map<String, List<Instant>> perAccount = refreshesPerAccount(from);
        assertThat(perAccount).hasSize(ACCOUNTS);
        perAccount.forEach((account, times) -> assertThat(duplicates(times))
                .as("refreshes of %s within one cycle: %s", account, times).isEmpty());
        List<Instant> componentFetches = times("api_component_token", null, from);
        assertThat(componentFetches).as("component token cycles").hasSizeGreaterThanOrEqualTo(2);
        assertThat(duplicates(componentFetches)).as("component token fetched twice in one cycle: %s",
                componentFetches).isEmpty();
    }

    @Test
    @Order(4)
    void instanceWhenKilledMidSweepThenOthersFinishTheCycleWithinThirtySeconds() throws Exception {
        // WeChat answers slowly: a sweep takes seconds, so an instance holds leases when it dies
        sandbox.fault("{\"api\":\"api_authorizer_token\",\"count\":400,\"latency_ms\":400}");
        Map<String, Long> leases = new TreeMap<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            leases.clear();
            leases.putAll(liveLeasesByNode());
            return leases.values().stream().anyMatch(n -> n >= 2);
        });
        String victim = leases.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        List<String> leasedByVictim = leasedAccounts(victim);
        Instant killed = Instant.now();
        node(victim).kill();
        assertThat(leasedByVictim).as("accounts the victim held").isNotEmpty();

        // within the lease deadline plus a sweep, every account the victim held is refreshed by another instance
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Map<String, List<Instant>> after = refreshesPerAccount(killed);
            for (String account : leasedByVictim) {
                assertThat(after.get(account)).as(account + " after the kill").isNotEmpty();
            }
        });
        sandbox.clearFaults();
        await().atMost(Duration.ofSeconds(3L * CYCLE_S)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            List<AuthorizerRecord> accounts = authorizers();
            assertThat(accounts).hasSize(ACCOUNTS);
            for (AuthorizerRecord account : accounts) {
                assertThat(account.status()).as(account.authorizerAppid()).isEqualTo(AuthorizerStatus.AUTHORIZED);
                assertThat(account.refreshToken()).as("refresh token of " + account.authorizerAppid())
                        .isEqualTo(sandbox.refreshToken(account.authorizerAppid()));
                assertThat(account.accessTokenExpiresAt()).as(account.authorizerAppid()).isAfter(Instant.now());
                assertThat(sandbox.accessTokenValid(account.accessToken())).as(account.authorizerAppid()).isTrue();
            }
        });
        // Only a refresh the victim had sent when it died may be repeated (WeChat's answer died with it).
        refreshesPerAccount(killed.minus(SAME_CYCLE)).forEach((account, times) -> {
            if (!leasedByVictim.contains(account)) {
                assertThat(duplicates(times)).as("refreshes of %s within one cycle: %s", account, times).isEmpty();
            }
        });
        // and no account's token lapsed: every refresh came before the previous token expired
        refreshesPerAccount(killed.minus(SAME_CYCLE)).forEach((account, times) -> assertThat(gaps(times))
                .as("refresh gaps of %s", account).allMatch(gap -> gap.toSeconds() < TOKEN_LIFETIME_S));
        node(victim).start();
    }

    @Test
    @Order(5)
    void instanceWhenKilledRightAfterCommittingAChangeThenAnotherDeliversItsNoticeOnce() throws Exception {
        StandaloneProcess committer = nodes.values().stream().filter(StandaloneProcess::isAlive)
                .reduce((first, second) -> second).orElseThrow();
        committer.close();
        // its integrator route takes long, so it dies with the notice taken but not delivered
        committer.with(Map.of("it.notice-delay-ms", "60000")).start();
        String account = appid(7);
        EncryptedPush push = pushes.push(TestPushes.unauthorizedXml(DetachedSandbox.COMPONENT_APPID, account,
                Instant.now()));
        HttpResponse<String> answer = committer.post(committer.eventsUrl() + "?" + push.queryString(), "text/xml",
                push.body());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> count(
                "SELECT COUNT(*) FROM wechat_notice WHERE authorizer_appid = ? AND lease_holder = ?", account,
                committer.property("wechat.cluster.node-id")) == 1);
        committer.kill();
        assertThat(count("SELECT COUNT(*) FROM it_notice_record WHERE authorizer_appid = ? AND change_kind = ?",
                account, "unauthorized")).as("not delivered before the kill").isZero();

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> count(
                        "SELECT COUNT(*) FROM it_notice_record WHERE authorizer_appid = ? AND change_kind = ?",
                        account, "unauthorized") == 1);
        assertThat(authorizers()).filteredOn(a -> a.authorizerAppid().equals(account))
                .extracting(AuthorizerRecord::status).containsExactly(AuthorizerStatus.UNAUTHORIZED);
        assertThat(duplicateNotices()).as("notices recorded more than once").isEmpty();
    }

    private StandaloneProcess node(String name) {
        return nodes.get(name);
    }

    private static String appid(int i) {
        return String.format("wxcluster%07d", i);
    }

    private HttpResponse<String> pushTicket(StandaloneProcess node) throws IOException, InterruptedException {
        EncryptedPush push = pushes.ticket(sandbox.mintTicket(), Instant.now());
        return node.post(node.eventsUrl() + "?" + push.queryString(), "text/xml", push.body());
    }

    private JsonNode status(StandaloneProcess node) throws IOException, InterruptedException {
        HttpResponse<String> answer = node.get(node.baseUrl() + "/admin/status", sandbox.adminToken());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    /** The project's YAML routes, with the authorization notices recorded in {@code it_notice_record}. */
    private Path recordingRoutes() throws IOException {
        Path dir = RunningBundle.projectDir().resolve("target/standalone-it/cluster-" + vendor().name().toLowerCase()
                + "-routes");
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(RunningBundle.projectDir().resolve("routes"))) {
            for (Path file : files.toList()) {
                if (!file.getFileName().toString().equals("authorization-events.camel.yaml")) {
                    Files.copy(file, dir.resolve(file.getFileName()),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Files.writeString(dir.resolve("authorization-events.camel.yaml"), """
                # An integrator's route: records every authorization notice it is given, with the instance.
                - route:
                    id: it-authorization-changed-record
                    from:
                      uri: seda:wechat-authorization-changed
                      steps:
                        - delay:
                            constant: "{{it.notice-delay-ms}}"
                        - setHeader:
                            name: itNode
                            constant: "{{wechat.cluster.node-id}}"
                        - setBody:
                            constant: "INSERT INTO it_notice_record (notice_id, node_id, authorizer_appid, change_kind)\
                 VALUES (:?WeChatNoticeId, :?itNode, :?WeChatAuthorizerAppid, :?WeChatAuthorizationChange)"
                        - to:
                            uri: jdbc:wechatDataSource
                            parameters:
                              useHeadersAsParameters: true
                """);
        return dir;
    }

    /** The refresh calls per account since {@code from}, in order. */
    private Map<String, List<Instant>> refreshesPerAccount(Instant from) {
        return requests.stream().filter(r -> r.api().equals("api_authorizer_token") && !r.time().isBefore(from))
                .collect(Collectors.groupingBy(r -> r.field("authorizer_appid"), TreeMap::new,
                        Collectors.mapping(SandboxRequest::time, Collectors.toList())));
    }

    private List<Instant> times(String api, String authorizerAppid, Instant from) {
        return requests.stream().filter(r -> r.api().equals(api) && !r.time().isBefore(from))
                .filter(r -> authorizerAppid == null || authorizerAppid.equals(r.field("authorizer_appid")))
                .map(SandboxRequest::time).sorted().toList();
    }

    /** The calls of {@code times} that followed the previous one within {@link #SAME_CYCLE}. */
    private static List<Instant> duplicates(List<Instant> times) {
        List<Instant> sorted = times.stream().sorted().toList();
        List<Instant> duplicates = new ArrayList<>();
        for (int i = 1; i < sorted.size(); i++) {
            if (Duration.between(sorted.get(i - 1), sorted.get(i)).compareTo(SAME_CYCLE) < 0) {
                duplicates.add(sorted.get(i));
            }
        }
        return duplicates;
    }

    private static List<Duration> gaps(List<Instant> times) {
        List<Instant> sorted = times.stream().sorted().toList();
        List<Duration> gaps = new ArrayList<>();
        for (int i = 1; i < sorted.size(); i++) {
            gaps.add(Duration.between(sorted.get(i - 1), sorted.get(i)));
        }
        return gaps;
    }

    private List<String> duplicateNotices() {
        return strings("SELECT notice_id FROM it_notice_record GROUP BY notice_id HAVING COUNT(*) > 1");
    }

    private Map<String, Long> liveLeasesByNode() {
        Map<String, Long> leases = new TreeMap<>();
        query("SELECT lease_holder, COUNT(*) FROM wechat_authorizer WHERE lease_until > ? GROUP BY lease_holder",
                rs -> leases.put(rs.getString(1), rs.getLong(2)), System.currentTimeMillis());
        return leases;
    }

    private List<String> leasedAccounts(String node) {
        return strings("SELECT authorizer_appid FROM wechat_authorizer WHERE lease_holder = ? AND lease_until > ?",
                node, System.currentTimeMillis());
    }

    private List<AuthorizerRecord> authorizers() {
        return new JdbcAuthorizerStore(db.dataSource(), sandbox.sealer(), Clock.systemUTC())
                .streamAll(DetachedSandbox.COMPONENT_APPID).toList();
    }

    private long count(String sql, Object... parameters) {
        long[] result = new long[1];
        query(sql, rs -> result[0] = rs.getLong(1), parameters);
        return result[0];
    }

    private List<String> strings(String sql, Object... parameters) {
        List<String> result = new ArrayList<>();
        query(sql, rs -> result.add(rs.getString(1)), parameters);
        return result;
    }

    private interface RowConsumer {
        void accept(ResultSet rs) throws SQLException;
    }

    private void query(String sql, RowConsumer rows, Object... parameters) {
        try (Connection connection = db.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    rows.accept(rs);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = db.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
