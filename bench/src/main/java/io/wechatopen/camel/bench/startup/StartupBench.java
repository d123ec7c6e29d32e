package io.wechatopen.camel.bench.startup;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

import io.wechatopen.camel.support.DetachedSandbox;
import io.wechatopen.camel.support.TestPushes;

/**
 * Start-up and footprint of the standalone jar (issue 9, target 5): {@code java -jar wechat-open-camel-standalone.jar}
 * as the README runs it (embedded H2 in a fresh {@code data/}, the built-in sandbox on), and with the sandbox off on a
 * fresh PostgreSQL database (a {@link DetachedSandbox} in this JVM plays WeChat). Runs alternate between the two, so
 * both see the same machine load. With {@code -Dbench.startup.baseline=DIR} (a jar, {@code config/} and {@code routes/}
 * of an older build) each start of the current jar is followed by one of that build, for a before/after in the same
 * run.
 *
 * <p>
 * Writes {@code startup.csv} ({@code runtime,database,run,ready_ms,rss_mb,heap_used_mb}, current build only) and
 * {@code startup.md} to {@code -Dbench.results}; the logs of the starts go to {@code startup-logs/}.
 */
public final class StartupBench {

    static final long TARGET_MS = 3000;
    static final long KARAF_TARGET_MS = 30_000;
    static final String CSV_HEADER = "runtime,database,run,ready_ms,rss_mb,heap_used_mb";

    private static final String APPID = "wx0123456789abcdef";
    private static final String TOKEN = "sandboxtoken";
    private static final String AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    private static final String POSTGRES_ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String POSTGRES_DATABASE = "wechat_startup_bench";

    /** One measured start; {@code runtime} is {@code standalone} or {@code karaf}. */
    record Row(String runtime, String build, String database, int run, StandaloneStart.Result result) {
    }

    /** A build to start: the jar and the config and routes folders it is run with. */
    record Build(String name, Path jar, Path config, Path routes, List<String> jvmOptions) {

        Build(String name, Path jar, Path config, Path routes) {
            this(name, jar, config, routes, List.of());
        }
    }

    private final Path results;
    private final Path logs;
    private final List<String> jvmOptions;
    private final StandaloneStart start = new StandaloneStart();
    private final TestPushes pushes = new TestPushes(APPID, TOKEN, AES_KEY);

    private StartupBench(Path results, List<String> jvmOptions) throws IOException {
        this.results = results;
        this.logs = Files.createDirectories(results.resolve("startup-logs"));
        this.jvmOptions = jvmOptions;
    }

    public static void main(String[] args) throws Exception {
        Path project = Path.of(System.getProperty("wechat.project.dir"));
        Path results = Files.createDirectories(Path.of(System.getProperty("bench.results")));
        boolean smoke = "1".equals(System.getProperty("bench.smoke"));
        int runs = smoke ? 1 : Integer.getInteger("bench.startup.runs", 5);
        boolean postgres = !smoke && !"false".equals(System.getProperty("bench.startup.postgresql"));
        String options = System.getProperty("bench.startup.jvm-options", "").trim();
        List<String> jvmOptions = options.isEmpty() ? List.of() : List.of(options.split("\\s+"));

        List<Build> builds = new ArrayList<>();
        builds.add(new Build("current", project.resolve("target/wechat-open-camel-standalone.jar"),
                project.resolve("config"), project.resolve("routes")));
        if (!smoke && "true".equals(System.getProperty("bench.startup.appcds"))) {
            // The README's optional class-data sharing: an archive of the classes a start loads, made once by a
            // training start (not measured), then mapped by every start.
            Path archive = results.resolve("startup-appcds.jsa");
            Build plain = builds.get(0);
            builds.add(new Build("current+appcds", plain.jar(), plain.config(), plain.routes(),
                    List.of("-XX:SharedArchiveFile=" + archive)));
            new StartupBench(results, jvmOptions).train(plain, archive);
        }
        String baseline = System.getProperty("bench.startup.baseline", "").trim();
        if (!baseline.isEmpty()) {
            Path dir = Path.of(baseline);
            builds.add(new Build("baseline", dir.resolve("wechat-open-camel-standalone.jar"), dir.resolve("config"),
                    dir.resolve("routes")));
        }
        boolean karaf = !smoke && !"false".equals(System.getProperty("bench.startup.karaf"));
        new StartupBench(results, jvmOptions).run(builds, runs, postgres, karaf ? project : null);
    }

    private void run(List<Build> builds, int runs, boolean postgres, Path karafProject) throws Exception {
        List<Row> rows = new ArrayList<>();
        DetachedSandbox sandbox = null;
        try {
            for (int run = 1; run <= runs; run++) {
                for (Build build : builds) {
                    rows.add(measure(build, "h2", run, null));
                }
                if (postgres) {
                    if (sandbox == null) {
                        sandbox = DetachedSandbox.start("http://127.0.0.1:1/unused");
                    }
                    for (Build build : builds) {
                        rows.add(measure(build, "postgresql", run, sandbox));
                    }
                }
            }
        } finally {
            if (sandbox != null) {
                sandbox.close();
            }
        }
        if (karafProject != null) {
            rows.add(measureKaraf(karafProject));
        }
        writeCsv(rows);
        writeMarkdown(rows, builds);
    }

    /** A start of {@code build} that writes the class-data archive when it exits. */
    private void train(Build build, Path archive) throws Exception {
        Files.deleteIfExists(archive);
        measure(new Build("appcds-training", build.jar(), build.config(), build.routes(),
                List.of("-XX:ArchiveClassesAtExit=" + archive)), "h2", 0, null);
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException("the training start wrote no " + archive);
        }
    }

    private Row measure(Build build, String database, int run, DetachedSandbox sandbox) throws Exception {
        int httpPort = freePort();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("wechat.config.dir", build.config().toString());
        settings.put("wechat.routes.dir", build.routes().toString());
        settings.put("wechat.http.port", String.valueOf(httpPort));
        settings.put("wechat.http.public-url", "http://localhost:" + httpPort);
        Path workDir = Files.createTempDirectory("wechat-startup-");
        if (sandbox == null) {
            // the README's run: H2 under ./data, the sandbox on (on a free port instead of 8091)
            settings.put("wechat.sandbox.port", String.valueOf(freePort()));
        } else {
            settings.putAll(sandbox.bundleSettings());
            settings.put("wechat.sandbox.enabled", "false");
            settings.put("wechat.datasource.url", "jdbc:postgresql://127.0.0.1:5432/" + POSTGRES_DATABASE);
            settings.put("wechat.datasource.username", "postgres");
            settings.put("wechat.datasource.password", "");
            freshPostgresDatabase();
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(build.jvmOptions());
        command.addAll(StandaloneStart.systemProperties(settings));
        command.add("-jar");
        command.add(build.jar().toString());
        Path log = logs.resolve(build.name() + "-" + database + "-" + run + ".log");
        try {
            StandaloneStart.Result result = start.measure(command, workDir, log,
                    "http://127.0.0.1:" + httpPort + "/wechat/component/events",
                    () -> pushes.ticket("ticket@@@bench-" + System.nanoTime(), Instant.now()));
            System.out.printf(Locale.ROOT, "%s %s run %d: ready %d ms (CPU %d ms), RSS %.1f MiB, heap used %.1f MiB%n",
                    build.name(), database, run, result.readyMs(), result.cpuMs(), result.rssMb(), result.heapUsedMb());
            return new Row("standalone", build.name(), database, run, result);
        } finally {
            delete(workDir);
        }
    }

    private Row measureKaraf(Path project) throws Exception {
        Path workDir = project.resolve("bench/target/karaf-startup");
        Path repository = Path.of(System.getProperty("bench.maven.repository",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
        StandaloneStart.Result result = new KarafStart().measure(project, repository, workDir,
                logs.resolve("karaf-h2-1.log"), pushes);
        System.out.printf(Locale.ROOT,
                "karaf h2: feature:install to ready %d ms (CPU %d ms), RSS %.1f MiB, heap used %.1f MiB%n",
                result.readyMs(), result.cpuMs(), result.rssMb(), result.heapUsedMb());
        return new Row("karaf", "current", "h2", 1, result);
    }

    private static void freshPostgresDatabase() throws SQLException {
        try (Connection connection = DriverManager.getConnection(POSTGRES_ADMIN_URL, "postgres", "");
                Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + POSTGRES_DATABASE + " WITH (FORCE)");
            statement.execute("CREATE DATABASE " + POSTGRES_DATABASE);
        }
    }

    private void writeCsv(List<Row> rows) throws IOException {
        StringBuilder csv = new StringBuilder(CSV_HEADER).append('\n');
        for (Row row : rows) {
            if (row.build().equals("current")) {
                csv.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%.1f,%.1f%n", row.runtime(), row.database(),
                        row.run(), row.result().readyMs(), row.result().rssMb(), row.result().heapUsedMb()));
            }
        }
        Files.writeString(results.resolve("startup.csv"), csv, StandardCharsets.UTF_8);
    }

    private void writeMarkdown(List<Row> rows, List<Build> builds) throws IOException {
        StringBuilder md = new StringBuilder("# Start-up of the standalone jar\n\n");
        md.append("Ready = from launching `java -jar` until a signed ticket push, posted every 10 ms from then on, is ")
                .append("answered `success` (stored); Karaf: from `feature:install wechat-open-camel` (Karaf booted, ")
                .append("repository added) until then, target 30 s. RSS = VmRSS right after; heap = used after a full ")
                .append("GC (Karaf: the whole Karaf JVM). CPU = user + system time the JVM used until ready (Karaf: ")
                .append("during the install), which depends far less than the wall time on the machine's other ")
                .append("load. Medians of ").append(rows.stream().mapToInt(Row::run).max().orElse(0))
                .append(" runs, alternating. JVM options: ")
                .append(jvmOptions.isEmpty() ? "none" : "`" + String.join(" ", jvmOptions) + "`").append(".\n\n");
        md.append(
                "| runtime | build | database | runs | ready ms (median) | min | max | ready / target | CPU ms | RSS MiB | heap MiB |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (String runtime : List.of("standalone", "karaf")) {
            for (Build build : builds) {
                for (String database : List.of("h2", "postgresql")) {
                    List<Row> some = rows.stream().filter(r -> r.runtime().equals(runtime)
                            && r.build().equals(build.name()) && r.database().equals(database)).toList();
                    if (some.isEmpty()) {
                        continue;
                    }
                    double ready = median(some, r -> r.result().readyMs());
                    long target = runtime.equals("karaf") ? KARAF_TARGET_MS : TARGET_MS;
                    md.append(String.format(Locale.ROOT,
                            "| %s | %s | %s | %d | %.0f | %.0f | %.0f | %.2f | %.0f | %.0f | %.1f |%n", runtime,
                            build.name(), database, some.size(), ready,
                            some.stream().mapToDouble(r -> r.result().readyMs()).min().orElse(0),
                            some.stream().mapToDouble(r -> r.result().readyMs()).max().orElse(0), ready / target,
                            median(some, r -> r.result().cpuMs()), median(some, r -> r.result().rssMb()),
                            median(some, r -> r.result().heapUsedMb())));
                }
            }
        }
        for (Build other : builds.subList(1, builds.size())) {
            md.append("\nMedians, current / ").append(other.name()).append(" (same run, interleaved):");
            for (String database : List.of("h2", "postgresql")) {
                double current = medianOf(rows, "current", database, r -> r.result().readyMs());
                double that = medianOf(rows, other.name(), database, r -> r.result().readyMs());
                double currentCpu = medianOf(rows, "current", database, r -> r.result().cpuMs());
                double thatCpu = medianOf(rows, other.name(), database, r -> r.result().cpuMs());
                if (current > 0 && that > 0) {
                    md.append(String.format(Locale.ROOT, " %s ready %.2f, CPU %.2f;", database, current / that,
                            currentCpu / thatCpu));
                }
            }
            md.append('\n');
        }
        Files.writeString(results.resolve("startup.md"), md, StandardCharsets.UTF_8);
        System.out.print(md);
    }

    private static double medianOf(List<Row> rows, String build, String database, ToDoubleFunction<Row> figure) {
        List<Row> some = rows.stream().filter(
                r -> r.runtime().equals("standalone") && r.build().equals(build) && r.database().equals(database))
                .toList();
        return some.isEmpty() ? 0 : median(some, figure);
    }

    private static double median(List<Row> rows, ToDoubleFunction<Row> figure) {
        double[] values = rows.stream().mapToDouble(figure).sorted().toArray();
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
