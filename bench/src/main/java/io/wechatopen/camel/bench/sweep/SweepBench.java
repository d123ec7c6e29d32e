package io.wechatopen.camel.bench.sweep;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.wechatopen.camel.sandbox.SandboxRequest;
import io.wechatopen.camel.store.TestDatabases;
import io.wechatopen.camel.store.TestDatabases.Db;
import io.wechatopen.camel.store.TestDatabases.Vendor;
import io.wechatopen.camel.support.DetachedSandbox;
import io.wechatopen.camel.support.StandaloneProcess;

/**
 * The authorizer sweep at scale (issue 9, target 4): standalone instances ({@code -Xmx256m}) on one PostgreSQL
 * database holding {@code bench.accounts} authorizers (100,000), the sandbox (in this JVM) answering
 * {@code api_authorizer_token} after {@code bench.latency-ms} (50 ms). A round makes the first {@code n} accounts due
 * at once, expiring evenly over the second half of the refresh skew ({@code bench.skew}, 30m), soonest first, and
 * lasts from the first refresh WeChat receives to the last (plus one latency). Per round: refreshes/s beside the bound
 * (instances x concurrency / latency), duplicate calls, accounts refreshed only after their token expired, heap after
 * collections and resident set size of the instances.
 *
 * <p>Runs: one instance at each concurrency of {@code bench.concurrencies} (8,16,32,64) on {@code bench.scan-accounts}
 * (20,000) due accounts; one instance at the default concurrency (8) and at the best on all of them; then two
 * instances at the default concurrency on all of them. {@code bench.smoke=true}: 1,000 accounts, concurrency 8, one
 * instance, one round. Figures: {@code <bench.results>/sweep.csv} and {@code sweep.md}.
 */
public final class SweepBench {

    static final String CSV_HEADER = "instances,concurrency,latency_ms,accounts,refreshes_per_s,bound_per_s,"
            + "duplicates,expired,heap_used_mb,rss_mb";
    private static final int DEFAULT_CONCURRENCY = 8;

    private final boolean smoke = Set.of("1", "true").contains(System.getProperty("bench.smoke", "0"));
    private final int accounts = smoke ? 1000 : Integer.getInteger("bench.accounts", 100_000);
    private final int scanAccounts = Math.min(accounts, Integer.getInteger("bench.scan-accounts", 20_000));
    private final int latencyMs = Integer.getInteger("bench.latency-ms", 50);
    private final Duration skew = Duration
            .parse("PT" + System.getProperty("bench.skew", "30m").toUpperCase(Locale.ROOT));
    private final List<Integer> concurrencies = smoke ? List.of(DEFAULT_CONCURRENCY)
            : java.util.Arrays.stream(System.getProperty("bench.concurrencies", "8,16,32,64").split(","))
                    .map(String::trim).map(Integer::valueOf).toList();
    private final Path results = Path.of(System.getProperty("bench.results", "target/results"));

    /** Per account of the current round: WeChat calls and the first call's time (epoch ms). */
    private final Map<String, long[]> calls = new ConcurrentHashMap<>();
    private final AtomicLong firstCall = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastCall = new AtomicLong();
    private final List<Round> rounds = new ArrayList<>();
    private int starts;

    /** One measured round. */
    record Round(String label, int instances, int concurrency, int accounts, double perSecond, double bound,
            long duplicates, long expired, long heapMb, long liveHeapMb, long rssMb, double seconds) {

        String csv(int latencyMs) {
            return String.format(Locale.ROOT, "%d,%d,%d,%d,%.1f,%.1f,%d,%d,%d,%d", instances, concurrency, latencyMs,
                    accounts, perSecond, bound, duplicates, expired, heapMb, rssMb);
        }
    }

    /** A running instance and its memory. */
    private record Instance(StandaloneProcess process, InstanceMemory memory) {
    }

    public static void main(String[] args) throws Exception {
        new SweepBench().run();
    }

    private void run() throws Exception {
        Files.createDirectories(results);
        // Created first for their ports: the sandbox pushes its tickets to the first; the two share the database.
        StandaloneProcess a = StandaloneProcess.create("bench-sweep-a", Map.of("wechat.cluster.node-id", "bench-a"));
        StandaloneProcess b = StandaloneProcess.create("bench-sweep-b", Map.of("wechat.cluster.node-id", "bench-b"));
        try (Db db = TestDatabases.migrated(Vendor.POSTGRESQL);
                DetachedSandbox sandbox = DetachedSandbox.start(a.eventsUrl(), Duration.ofHours(2))) {
            sandbox.state().addRequestListener(this::record);
            sandbox.fault("{\"api\":\"api_authorizer_token\",\"count\":100000000,\"latency_ms\":" + latencyMs + "}");
            long seeding = System.nanoTime();
            SweepSeed.seed(db.dataSource(), sandbox, accounts);
            System.out.printf("seeded %d accounts in %.1f s%n", accounts, (System.nanoTime() - seeding) / 1e9);
            Map<String, String> settings = settings(db, sandbox);
            a.with(settings);
            b.with(settings);
            try {
                if (smoke) {
                    round("smoke", List.of(start(a, DEFAULT_CONCURRENCY, db)), DEFAULT_CONCURRENCY, accounts, db);
                } else {
                    measureAll(db, a, b);
                }
            } finally {
                a.close();
                b.close();
            }
            report();
        }
        if (rounds.isEmpty() || rounds.stream().anyMatch(r -> r.perSecond() <= 0)) {
            throw new IllegalStateException("the sweep benchmark produced no figures");
        }
    }

    private void measureAll(Db db, StandaloneProcess a, StandaloneProcess b) throws Exception {
        Round best = null;
        for (int concurrency : concurrencies) {
            List<Instance> one = List.of(start(a, concurrency, db));
            warmUp(one, concurrency, db);
            Round scan = round("scan", one, concurrency, scanAccounts, db);
            if (best == null || scan.perSecond() > best.perSecond()) {
                best = scan;
            }
            if (concurrency == DEFAULT_CONCURRENCY) {
                round("full, default concurrency", one, concurrency, accounts, db);
            }
            a.close();
        }
        if (best != null && best.concurrency() != DEFAULT_CONCURRENCY) {
            List<Instance> one = List.of(start(a, best.concurrency(), db));
            warmUp(one, best.concurrency(), db);
            round("full, best concurrency", one, best.concurrency(), accounts, db);
            a.close();
        }
        List<Instance> both = List.of(start(a, DEFAULT_CONCURRENCY, db), start(b, DEFAULT_CONCURRENCY, db));
        warmUp(both, DEFAULT_CONCURRENCY, db);
        round("full, two instances", both, DEFAULT_CONCURRENCY, accounts, db);
    }

    /** A round not recorded: the JIT of a freshly started instance. */
    private void warmUp(List<Instance> instances, int concurrency, Db db) throws Exception {
        round("warm-up", instances, concurrency, Math.min(2000, scanAccounts), db);
        rounds.remove(rounds.size() - 1);
    }

    private Map<String, String> settings(Db db, DetachedSandbox sandbox) {
        Map<String, String> settings = new LinkedHashMap<>(sandbox.bundleSettings());
        settings.put("wechat.datasource.url", db.url());
        settings.put("wechat.datasource.username", db.user());
        settings.put("wechat.datasource.password", db.password());
        settings.put("wechat.schedule.authorizer-token-refresh.cron", "0/1 * * * * ?");
        // not during the measurement (it reads api_get_authorizer_list, 100,000 accounts)
        settings.put("wechat.schedule.authorizer-reconcile.cron", "0 0 0 1 1 ? 2099");
        settings.put("wechat.token.refresh-skew", skew.toMinutes() + "m");
        settings.put("wechat.authorizer.refresh-batch", String.valueOf(accounts));
        settings.put("wechat.authorizer.sweep-max-duration", "2h");
        // the rate limit is not what is measured here
        settings.put("wechat.authorizer.refresh-rate", "100000");
        return settings;
    }

    private Instance start(StandaloneProcess process, int concurrency, Db db) throws Exception {
        Path gcLog = process.workDir().resolve("gc-" + (++starts) + ".log");
        Files.deleteIfExists(gcLog);
        process.with(Map.of("wechat.authorizer.refresh-concurrency", String.valueOf(concurrency),
                "wechat.datasource.maximum-pool-size", String.valueOf(concurrency / 4 + 4)));
        process.jvmOptions(List.of("-Xmx256m", "-XX:+UseSerialGC", "-Xlog:gc:file=" + gcLog));
        process.start();
        awaitComponentToken(db);
        return new Instance(process, new InstanceMemory(process.pid(), gcLog));
    }

    /** Waits until an instance holds the component token (it asks WeChat to push a ticket first). */
    private static void awaitComponentToken(Db db) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            try (Connection connection = db.dataSource().getConnection();
                    PreparedStatement query = connection.prepareStatement(
                            "SELECT COUNT(*) FROM wechat_component WHERE access_token IS NOT NULL");
                    ResultSet rs = query.executeQuery()) {
                if (rs.next() && rs.getLong(1) > 0) {
                    return;
                }
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("no component token within 60 s");
            }
            Thread.sleep(200);
        }
    }

    private void record(SandboxRequest request) {
        if (!"api_authorizer_token".equals(request.api())) {
            return;
        }
        long at = request.time().toEpochMilli();
        calls.compute(request.field("authorizer_appid"), (k, v) -> v == null ? new long[] {1, at}
                : new long[] {v[0] + 1, v[1]});
        firstCall.accumulateAndGet(at, Math::min);
        lastCall.accumulateAndGet(at, Math::max);
    }

    /** Makes the first {@code n} accounts due and waits until each was refreshed. */
    private Round round(String label, List<Instance> instances, int concurrency, int n, Db db) throws Exception {
        calls.clear();
        firstCall.set(Long.MAX_VALUE);
        lastCall.set(0);
        for (Instance instance : instances) {
            instance.memory().mark();
        }
        long start = System.currentTimeMillis();
        long firstExpiry = start + skew.toMillis() / 2;
        long step = Math.max(1, skew.toMillis() / 2 / n);
        SweepSeed.makeDue(db.dataSource(), n, firstExpiry, step);
        double bound = instances.size() * concurrency * 1000.0 / latencyMs;
        long deadline = start + (long) (n / bound * 1000 * 10) + 120_000;
        while (calls.size() < n) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(label + ": only " + calls.size() + " of " + n + " accounts refreshed");
            }
            Thread.sleep(500);
            for (Instance instance : instances) {
                instance.memory().sample();
            }
        }
        double seconds = (lastCall.get() - firstCall.get() + latencyMs) / 1000.0;
        long callCount = calls.values().stream().mapToLong(v -> v[0]).sum();
        long expired = 0;
        for (Map.Entry<String, long[]> e : calls.entrySet()) {
            int i = Integer.parseInt(e.getKey().substring(SweepSeed.PREFIX.length()));
            // stored no sooner than WeChat answered
            if (e.getValue()[1] + latencyMs > firstExpiry + i * step) {
                expired++;
            }
        }
        long heap = 0;
        long live = 0;
        long rss = 0;
        for (Instance instance : instances) {
            instance.memory().fullCollection();
            instance.memory().sample();
            heap = Math.max(heap, instance.memory().maxHeapAfterGcMb());
            live = Math.max(live, instance.memory().lastHeapAfterGcMb());
            rss = Math.max(rss, instance.memory().maxRssMb());
        }
        Round round = new Round(label, instances.size(), concurrency, n, n / seconds, bound, callCount - n, expired,
                heap, live, rss, seconds);
        rounds.add(round);
        System.out.printf(Locale.ROOT, "%s: %d instance(s), concurrency %d, %d accounts: %.1f s, %.1f/s of %.0f/s"
                + " (%.0f%%), %d duplicates, %d expired, heap %d MB (live %d MB), RSS %d MB%n", label,
                instances.size(), concurrency, n, seconds, round.perSecond(), bound, 100 * round.perSecond() / bound,
                round.duplicates(), expired, heap, live, rss);
        return round;
    }

    private void report() throws Exception {
        StringBuilder csv = new StringBuilder(CSV_HEADER).append('\n');
        rounds.forEach(r -> csv.append(r.csv(latencyMs)).append('\n'));
        Files.writeString(results.resolve("sweep.csv"), csv);
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Sweep: %d authorizers on PostgreSQL, WeChat latency %d ms, refresh skew"
                + " %s, instances -Xmx256m.%n%n", accounts, latencyMs, skew.toMinutes() + "m"));
        md.append("| round | instances | concurrency | due accounts | seconds | refreshes/s | bound/s | of bound"
                + " | duplicates | expired | heap after GC max (MB) | live heap (MB) | RSS max (MB) |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Round r : rounds) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %.1f | %.1f | %.0f | %.0f%% | %d | %d | %d |"
                    + " %d | %d |%n", r.label(), r.instances(), r.concurrency(), r.accounts(), r.seconds(),
                    r.perSecond(), r.bound(), 100 * r.perSecond() / r.bound(), r.duplicates(), r.expired(),
                    r.heapMb(), r.liveHeapMb(), r.rssMb()));
        }
        Round one = find("full, default concurrency");
        Round two = find("full, two instances");
        if (one != null && two != null) {
            md.append(String.format(Locale.ROOT, "%nTwo instances / one at concurrency %d, %d accounts: %.2fx%n",
                    DEFAULT_CONCURRENCY, accounts, two.perSecond() / one.perSecond()));
        }
        Files.writeString(results.resolve("sweep.md"), md);
        System.out.println(md);
    }

    private Round find(String label) {
        return rounds.stream().filter(r -> r.label().equals(label)).findFirst().orElse(null);
    }
}
