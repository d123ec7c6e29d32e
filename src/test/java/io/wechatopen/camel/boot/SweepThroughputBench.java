package io.wechatopen.camel.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.wechatopen.camel.model.Authorization;
import io.wechatopen.camel.sandbox.SandboxAuthorizations;
import io.wechatopen.camel.sandbox.SandboxRequest;
import io.wechatopen.camel.store.JdbcAuthorizerStore;
import io.wechatopen.camel.store.TestDatabases;
import io.wechatopen.camel.store.TestDatabases.Db;
import io.wechatopen.camel.store.TestDatabases.Vendor;
import io.wechatopen.camel.support.DetachedSandbox;
import io.wechatopen.camel.support.RunningBundle;
import io.wechatopen.camel.support.StandaloneProcess;

/**
 * Benchmark, not a test of {@code mvn verify} (its name matches neither Surefire's nor Failsafe's patterns): the
 * authorizer sweep's throughput with one and with two standalone instances on one PostgreSQL database, WeChat (the
 * sandbox) answering {@code api_authorizer_token} after {@code bench.latency-ms} (50 ms). Each round makes every
 * account due at once and measures from the first to the last refresh call WeChat receives; a second call for one
 * account in a round is a duplicate. The bound of one instance is {@code refresh-concurrency / latency}.
 *
 * <p>Run: {@code bench/sweep-throughput.sh} (builds the jar, then runs this class through Failsafe); the figures go
 * to {@code target/bench/sweep-throughput.md}. {@code -Dbench.accounts} (default 2000) and
 * {@code -Dbench.concurrency} (default 8) change the load.
 */
class SweepThroughputBench {

    private static final int ACCOUNTS = Integer.getInteger("bench.accounts", 2000);
    private static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 8);
    private static final int LATENCY_MS = Integer.getInteger("bench.latency-ms", 50);

    private final List<SandboxRequest> requests = new CopyOnWriteArrayList<>();

    /** One measured round. */
    record Round(int instances, int accounts, long calls, long duplicates, Duration elapsed) {

        double perSecond() {
            return accounts * 1000.0 / elapsed.toMillis();
        }
    }

    @Test
    void sweepThroughputOfOneAndTwoInstances() throws Exception {
        try (Db db = TestDatabases.migrated(Vendor.POSTGRESQL)) {
            StandaloneProcess first = StandaloneProcess.create("bench-sweep-1", Map.of("wechat.cluster.node-id",
                    "bench-1"));
            StandaloneProcess second = StandaloneProcess.create("bench-sweep-2", Map.of("wechat.cluster.node-id",
                    "bench-2"));
            try (DetachedSandbox sandbox = DetachedSandbox.start(first.eventsUrl(), Duration.ofHours(2))) {
                sandbox.state().addRequestListener(requests::add);
                seed(db, sandbox);
                Map<String, String> settings = new LinkedHashMap<>(sandbox.bundleSettings());
                settings.put("wechat.datasource.url", db.url());
                settings.put("wechat.datasource.username", db.user());
                settings.put("wechat.datasource.password", db.password());
                settings.put("wechat.schedule.authorizer-token-refresh.cron", "0/1 * * * * ?");
                settings.put("wechat.authorizer.refresh-concurrency", String.valueOf(CONCURRENCY));
                // the rate limit is not what is measured here
                settings.put("wechat.authorizer.refresh-rate", "100000");
                settings.put("wechat.datasource.maximum-pool-size", String.valueOf(CONCURRENCY + 4));
                first.with(settings);
                second.with(settings);
                sandbox.fault("{\"api\":\"api_authorizer_token\",\"count\":1000000,\"latency_ms\":" + LATENCY_MS
                        + "}");
                List<Round> rounds = new ArrayList<>();
                try {
                    // the first rounds of a freshly started instance include its JIT warm-up: the best round counts
                    first.start();
                    for (int i = 0; i < 3; i++) {
                        rounds.add(round(db, 1));
                    }
                    second.start();
                    for (int i = 0; i < 3; i++) {
                        rounds.add(round(db, 2));
                    }
                } finally {
                    first.close();
                    second.close();
                }
                report(rounds);
            }
        }
    }

    /** Every account authorized at the sandbox and stored with an expired access token. */
    private static void seed(Db db, DetachedSandbox sandbox) {
        SandboxAuthorizations authorizations = sandbox.state().authorizations();
        JdbcAuthorizerStore store = new JdbcAuthorizerStore(db.dataSource(), sandbox.sealer(), Clock.systemUTC());
        for (int i = 0; i < ACCOUNTS; i++) {
            String appid = String.format("wxbench%09d", i);
            String preAuthCode = String.valueOf(
                    authorizations.createPreAuthCode(DetachedSandbox.COMPONENT_APPID).get("pre_auth_code"));
            String code = authorizations.approve(DetachedSandbox.COMPONENT_APPID, preAuthCode, appid, null, null,
                    false).authCode();
            @SuppressWarnings("unchecked")
            Map<String, Object> info = (Map<String, Object>) authorizations
                    .queryAuth(DetachedSandbox.COMPONENT_APPID, code).get("authorization_info");
            store.saveAuthorization(new Authorization(DetachedSandbox.COMPONENT_APPID, appid,
                    String.valueOf(info.get("authorizer_access_token")), Instant.EPOCH,
                    String.valueOf(info.get("authorizer_refresh_token")), List.of(), Instant.now()), null);
        }
    }

    /** Makes every account due and waits until each was refreshed. */
    private Round round(Db db, int instances) throws SQLException {
        requests.clear();
        Instant start = Instant.now();
        try (Connection connection = db.dataSource().getConnection();
                PreparedStatement expire = connection
                        .prepareStatement("UPDATE wechat_authorizer SET access_token_expires_at = 0")) {
            expire.executeUpdate();
        }
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200))
                .until(() -> refreshed().size() >= ACCOUNTS);
        Map<String, Long> perAccount = refreshed();
        List<Instant> times = requests.stream().filter(r -> r.api().equals("api_authorizer_token"))
                .map(SandboxRequest::time).sorted().toList();
        long calls = times.size();
        Duration elapsed = Duration.between(times.get(0), times.get(times.size() - 1)).plusMillis(LATENCY_MS);
        assertThat(start).isBefore(times.get(0));
        return new Round(instances, perAccount.size(), calls, calls - perAccount.size(), elapsed);
    }

    private Map<String, Long> refreshed() {
        return requests.stream().filter(r -> r.api().equals("api_authorizer_token"))
                .collect(Collectors.groupingBy(r -> r.field("authorizer_appid"), Collectors.counting()));
    }

    private static void report(List<Round> rounds) throws Exception {
        double bound = CONCURRENCY * 1000.0 / LATENCY_MS;
        double one = rounds.stream().filter(r -> r.instances() == 1).mapToDouble(Round::perSecond).max().orElse(0);
        double two = rounds.stream().filter(r -> r.instances() == 2).mapToDouble(Round::perSecond).max().orElse(0);
        StringBuilder out = new StringBuilder();
        out.append("| instances | accounts | WeChat calls | duplicates | seconds | refreshes/s | bound (N x concurrency"
                + " / latency) |\n|---|---|---|---|---|---|---|\n");
        for (Round r : rounds) {
            out.append(String.format("| %d | %d | %d | %d | %.2f | %.0f | %.0f |%n", r.instances(), r.accounts(),
                    r.calls(), r.duplicates(), r.elapsed().toMillis() / 1000.0, r.perSecond(),
                    bound * r.instances()));
        }
        out.append(String.format("%nTwo instances / one (best rounds): %.2fx%n", two / one));
        Path file = RunningBundle.projectDir().resolve("target/bench/sweep-throughput.md");
        Files.createDirectories(file.getParent());
        Files.writeString(file, out);
        System.out.println(out);
    }
}
