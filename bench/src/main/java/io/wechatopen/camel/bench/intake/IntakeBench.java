package io.wechatopen.camel.bench.intake;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.camel.test.AvailablePortFinder;

import io.wechatopen.camel.support.DetachedSandbox;
import io.wechatopen.camel.support.TestPushes;

/**
 * Durable push intake over HTTP (issue 9, target 3): the standalone jar on a fresh H2 file database and on a fresh
 * PostgreSQL schema, WeChat's sandbox in this JVM (so the ticket pushes name real tickets), and {@link PushLoad}
 * posting ticket pushes at 1, 16 and 64 connections, each for 30 s, after a warm-up. After each run every push
 * answered {@code success} is looked up in the database by its nonce. On PostgreSQL, {@link PgBench} measures the
 * one-row insert-and-commit limit at the same client count right after each run.
 *
 * <p>System properties: {@code bench.smoke} ({@code 1}: 3 s runs at 1 and 4 connections, PostgreSQL only when it
 * answers), {@code bench.intake.seconds}, {@code bench.intake.connections} (e.g. {@code 1,16,64}),
 * {@code bench.intake.databases} ({@code h2,postgresql}), {@code bench.intake.jfr} (a directory: the bundle records
 * a JFR file per database there), {@code bench.intake.bundle-settings} ({@code key=value;...} added to the bundle's
 * settings), {@code bench.intake.h2-url-suffix} (settings added to the H2 URL), {@code bench.intake.jar} (another build of the standalone jar, for before/after figures). Writes {@code intake.csv} and {@code intake.md} to {@code bench.results}.
 */
public final class IntakeBench {

    static final String CSV_HEADER = "database,connections,pushes_per_s,p50_ms,p99_ms,errors,unstored,"
            + "commit_limit_per_s";

    private record Row(String database, int connections, double pushesPerSecond, double p50, double p99, int errors,
            long unstored, Double commitLimit, boolean ranOut) {
    }

    private final Path projectDir;
    private final Path results;
    private final boolean smoke;
    private final Duration runTime;
    private final Duration warmUp;
    private final int[] connections;
    private final String jfrDir;
    private final Map<String, String> extraSettings;
    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    private IntakeBench() {
        projectDir = Path.of(System.getProperty("wechat.project.dir", ".."));
        results = Path.of(System.getProperty("bench.results", "target/results"));
        smoke = "1".equals(System.getProperty("bench.smoke")) || Boolean.getBoolean("bench.smoke");
        runTime = Duration.ofSeconds(Long.getLong("bench.intake.seconds", smoke ? 3 : 30));
        warmUp = Duration.ofSeconds(smoke ? 1 : 10);
        connections = Arrays.stream(System.getProperty("bench.intake.connections", smoke ? "1,4" : "1,16,64")
                .split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        jfrDir = System.getProperty("bench.intake.jfr");
        extraSettings = new LinkedHashMap<>();
        for (String pair : System.getProperty("bench.intake.bundle-settings", "").split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                extraSettings.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
    }

    public static void main(String[] args) throws Exception {
        IntakeBench bench = new IntakeBench();
        boolean ok = bench.run();
        System.exit(ok ? 0 : 1);
    }

    private boolean run() throws Exception {
        List<String> databases = List.of(System.getProperty("bench.intake.databases", "h2,postgresql").split(","));
        Path work = projectDir.resolve("bench/target/intake/"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        for (String name : databases) {
            switch (name.trim()) {
                case "h2" -> {
                    try (Database db = Database.h2(work.resolve("h2"),
                            System.getProperty("bench.intake.h2-url-suffix", ""))) {
                        measure(db, work.resolve("h2"));
                    }
                }
                case "postgresql" -> {
                    if (!Database.postgresReachable()) {
                        if (smoke) {
                            notes.add("PostgreSQL did not answer: measured on H2 only.");
                            continue;
                        }
                        throw new IllegalStateException("PostgreSQL does not answer (WECHAT_TEST_POSTGRES_URL)");
                    }
                    try (Database db = Database.postgres()) {
                        measure(db, work.resolve("postgresql"));
                    }
                }
                default -> throw new IllegalArgumentException("unknown database " + name);
            }
        }
        write();
        return !rows.isEmpty() && rows.stream().allMatch(r -> r.pushesPerSecond() > 0);
    }

    private void measure(Database db, Path dir) throws Exception {
        int port = AvailablePortFinder.getNextAvailable();
        try (DetachedSandbox sandbox = DetachedSandbox.start("http://127.0.0.1:" + port + "/wechat/component/events")) {
            Map<String, String> settings = new LinkedHashMap<>(sandbox.bundleSettings());
            settings.put("wechat.http.host", "127.0.0.1");
            settings.put("wechat.http.port", String.valueOf(port));
            settings.put("wechat.http.public-url", "http://127.0.0.1:" + port);
            settings.put("wechat.sandbox.enabled", "false");
            settings.put("wechat.datasource.url", db.url());
            settings.put("wechat.datasource.username", db.user());
            settings.put("wechat.datasource.password", db.password());
            settings.putAll(extraSettings);
            List<String> jvm = new ArrayList<>(List.of("-Xms512m", "-Xmx512m"));
            if (jfrDir != null) {
                Files.createDirectories(Path.of(jfrDir));
                jvm.add("-XX:StartFlightRecording=filename=" + Path.of(jfrDir).toAbsolutePath().resolve(db.name()
                        + ".jfr") + ",settings=profile");
            }
            try (BundleProcess bundle = BundleProcess.start(projectDir, dir, port, settings, jvm)) {
                PushLoad load = new PushLoad(port);
                TestPushes pushes = sandbox.pushes();
                String ticket = sandbox.mintTicket();
                String appid = DetachedSandbox.COMPONENT_APPID;
                PgBench pgbench = null;
                double best = 0;
                // Warm-up: the JIT compiles the hot paths; its pushes are checked like the others.
                PushLoad.Result warm = load.run(load.prepare(pushes, appid, ticket, 20_000), 16, warmUp);
                long warmUnstored = db.unstored(appid, warm.storedNonces());
                log(db + " warm-up: " + format(warm.perSecond()) + "/s, errors " + warm.errors() + ", unstored "
                        + warmUnstored + " " + warm.errorSamples());
                if (db.isPostgres()) {
                    pgbench = PgBench.prepare(db, dir);
                }
                for (int c : connections) {
                    best = Math.max(best, warm.perSecond());
                    // enough for 4x the best rate so far; a run that still runs out is measured over its real time
                    int count = (int) Math.min(25_000L * runTime.toSeconds(),
                            Math.max(5_000, 4 * best) * runTime.toSeconds());
                    List<PushLoad.Request> requests = load.prepare(pushes, appid, ticket, count);
                    PushLoad.Result result = load.run(requests, c, runTime);
                    best = Math.max(best, result.perSecond());
                    long unstored = db.unstored(appid, result.storedNonces());
                    Double limit = pgbench == null ? null : pgbench.tps(c, runTime);
                    Row row = new Row(db.name(), c, result.perSecond(), result.percentileMillis(50),
                            result.percentileMillis(99), result.errors(), unstored, limit, result.ranOut());
                    rows.add(row);
                    log(db + " " + c + " connections: " + format(row.pushesPerSecond()) + " pushes/s, p50 "
                            + format(row.p50()) + " ms, p99 " + format(row.p99()) + " ms, errors " + row.errors()
                            + ", unstored " + unstored + (limit == null ? "" : ", pgbench " + format(limit) + " tps")
                            + (result.ranOut() ? " (prepared pushes ran out)" : "") + " "
                            + result.errorSamples());
                    if (result.errors() > 0) {
                        notes.add(db.name() + " at " + c + " connections: " + result.errors() + " errors, e.g. "
                                + result.errorSamples() + "; bundle log: " + bundle.errorLines());
                    }
                }
            }
        }
    }

    private void write() throws IOException {
        Files.createDirectories(results);
        StringBuilder csv = new StringBuilder(CSV_HEADER).append('\n');
        StringBuilder md = new StringBuilder("## Push intake over HTTP\n\n")
                .append("| database | connections | pushes/s | p50 ms | p99 ms | errors | unstored |"
                        + " commit limit/s (pgbench) | pushes / limit |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            csv.append(String.join(",", r.database(), String.valueOf(r.connections()), format(r.pushesPerSecond()),
                    format(r.p50()), format(r.p99()), String.valueOf(r.errors()), String.valueOf(r.unstored()),
                    r.commitLimit() == null ? "" : format(r.commitLimit()))).append('\n');
            md.append("| ").append(r.database()).append(" | ").append(r.connections()).append(" | ")
                    .append(format(r.pushesPerSecond())).append(r.ranOut() ? " (ran out)" : "").append(" | ")
                    .append(format(r.p50())).append(" | ").append(format(r.p99())).append(" | ").append(r.errors())
                    .append(" | ").append(r.unstored()).append(" | ")
                    .append(r.commitLimit() == null ? "" : format(r.commitLimit())).append(" | ")
                    .append(r.commitLimit() == null ? ""
                            : String.format(Locale.ROOT, "%.0f%%", 100 * r.pushesPerSecond() / r.commitLimit()))
                    .append(" |\n");
        }
        md.append("\n").append(runTime.toSeconds()).append(" s per run after a ").append(warmUp.toSeconds())
                .append(" s warm-up at 16 connections; ticket pushes, each with its own nonce; loopback.\n");
        for (String note : notes) {
            md.append("\n- ").append(note);
        }
        md.append('\n');
        Files.writeString(results.resolve("intake.csv"), csv, StandardCharsets.UTF_8);
        Files.writeString(results.resolve("intake.md"), md, StandardCharsets.UTF_8);
        System.out.print(md);
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, value >= 100 ? "%.0f" : "%.2f", value);
    }

    private static void log(String line) {
        System.out.println(LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_TIME) + " " + line);
    }
}
