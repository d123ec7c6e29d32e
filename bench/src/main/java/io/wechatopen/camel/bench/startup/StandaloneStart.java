package io.wechatopen.camel.bench.startup;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.wechatopen.camel.crypto.EncryptedPush;

/**
 * One start of the standalone jar, measured: from just before the JVM is launched until a signed ticket push, posted
 * over and over from that instant (a fresh nonce each time), is answered {@code success}; then the resident set
 * ({@code VmRSS} of {@code /proc/<pid>/status}) and the heap still in use after a full GC ({@code jcmd GC.run}, then
 * {@code jstat -gc}). The JVM is stopped with SIGTERM afterwards.
 */
final class StandaloneStart {

    /** The figures of one start. */
    record Result(long readyMs, long cpuMs, double rssMb, double heapUsedMb, Path log) {
    }

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final long POLL_MS = 10;
    // USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK)
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    /**
     * Starts {@code command} in {@code workDir}, logging to {@code log}, and measures it.
     *
     * @param eventsUrl
     *            the push intake of the started JVM
     * @param pushes
     *            makes a fresh signed ticket push for each attempt
     */
    Result measure(List<String> command, Path workDir, Path log, String eventsUrl, Supplier<EncryptedPush> pushes)
            throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            long readyMs = awaitFirstStoredPush(process, eventsUrl, pushes, start, log);
            long cpuMs = cpuMs(process.pid());
            double rssMb = rssMb(process.pid());
            double heapMb = liveHeapMb(process.pid());
            return new Result(readyMs, cpuMs, rssMb, heapMb, log);
        } finally {
            stop(process);
        }
    }

    private long awaitFirstStoredPush(Process process, String eventsUrl, Supplier<EncryptedPush> pushes, long start,
            Path log) throws IOException, InterruptedException {
        long deadline = start + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("exited with " + process.exitValue() + " while starting, see " + log);
            }
            EncryptedPush push = pushes.get();
            HttpRequest request = HttpRequest.newBuilder(URI.create(eventsUrl + "?" + push.queryString()))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "text/xml")
                    .POST(HttpRequest.BodyPublishers.ofString(push.body())).build();
            try {
                HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200 && "success".equals(answer.body())) {
                    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                }
            } catch (IOException notListeningYet) {
                // connection refused until the HTTP consumer is bound
            }
            Thread.sleep(POLL_MS);
        }
        throw new IllegalStateException("no push answered success within " + READY_TIMEOUT + ", see " + log);
    }

    /**
     * The CPU time (user and system, all threads) the process has used so far, in ms, from {@code /proc/<pid>/stat}:
     * unlike the wall time to ready it hardly depends on what else the machine runs.
     */
    static long cpuMs(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields from the state (3rd of stat) on: utime and stime are the 14th and 15th of stat, in clock ticks
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks * 1000 / CLOCK_TICKS_PER_SECOND;
    }

    /** {@code VmRSS} of the process, in MiB. */
    static double rssMb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"), StandardCharsets.US_ASCII)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    /** The heap in use after a full GC, in MiB: survivors, eden and old generation of {@code jstat -gc}. */
    static double liveHeapMb(long pid) throws IOException, InterruptedException {
        run(List.of(tool("jcmd"), String.valueOf(pid), "GC.run"));
        List<String> lines = run(List.of(tool("jstat"), "-gc", String.valueOf(pid)));
        List<String> names = List.of(lines.get(0).trim().split("\\s+"));
        String[] values = lines.get(1).trim().split("\\s+");
        double kb = 0;
        for (String column : List.of("S0U", "S1U", "EU", "OU")) {
            kb += Double.parseDouble(values[names.indexOf(column)]);
        }
        return kb / 1024.0;
    }

    private static String tool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }

    private static List<String> run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(command + " failed: " + out);
        }
        return new ArrayList<>(out.lines().filter(line -> !line.isBlank()).toList());
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** {@code -Dkey=value} for each setting. */
    static List<String> systemProperties(Map<String, String> settings) {
        return settings.entrySet().stream().map(e -> "-D" + e.getKey() + "=" + e.getValue()).toList();
    }
}
