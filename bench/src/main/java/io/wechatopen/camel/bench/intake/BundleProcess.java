package io.wechatopen.camel.bench.intake;

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

/**
 * The standalone jar in a JVM of its own, started as an operator would run it (default collector and JIT, unlike the
 * tests' small C1-only JVM), with settings as {@code -Dkey=value} and the committed {@code config/} and
 * {@code routes/}. Ready once {@code GET /wechat/health} answers 200. Its output goes to a log file.
 */
final class BundleProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Process process;
    private final Path log;
    private final int port;

    private BundleProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts the jar in {@code workDir} and waits until it is ready.
     *
     * @param jvmOptions extra JVM options (heap, JFR)
     */
    static BundleProcess start(Path projectDir, Path workDir, int port, Map<String, String> settings,
            List<String> jvmOptions) throws IOException, InterruptedException {
        // bench.intake.jar: another build of the jar (say, the one before a change) on the same config and routes
        Path jar = Path.of(System.getProperty("bench.intake.jar",
                projectDir.resolve("target/wechat-open-camel-standalone.jar").toString()));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run mvn package in " + projectDir);
        }
        Files.createDirectories(workDir);
        Path log = workDir.resolve("bundle.log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-Dwechat.config.dir=" + projectDir.resolve("config"));
        command.add("-Dwechat.routes.dir=" + projectDir.resolve("routes"));
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(jar.toString());
        Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        BundleProcess bundle = new BundleProcess(process, log, port);
        bundle.awaitReady();
        return bundle;
    }

    private void awaitReady() throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the bundle exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<String> health = http.send(HttpRequest
                        .newBuilder(URI.create("http://127.0.0.1:" + port + "/wechat/health"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        close();
        throw new IllegalStateException("the bundle was not ready within " + START_TIMEOUT + "; see " + log);
    }

    /** The lines of the log that report errors, for the notes when a run has errors. */
    List<String> errorLines() throws IOException {
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .filter(line -> line.contains(" ERROR ") || line.contains(" WARN ")).limit(20).toList();
    }

    /** Stops the JVM (SIGTERM, so a JFR recording is written), killing it after 30 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
