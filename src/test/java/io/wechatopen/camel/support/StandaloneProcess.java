package io.wechatopen.camel.support;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.camel.test.AvailablePortFinder;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The bundle as an operator runs it: {@code java -jar target/wechat-open-camel-standalone.jar} in a JVM of its own
 * (built by {@code mvn package}, so only failsafe's {@code *IT} tests use this), with the committed {@code config/}
 * and {@code routes/} and every setting a test gives passed as {@code -Dkey=value}. The sandbox is off in it; point
 * {@code wechat.api.base-url} at a sandbox that outlives it ({@link DetachedSandbox}).
 *
 * <p>{@link #kill()} ends the JVM with SIGKILL ({@code kill -9}: no shutdown hook, no flush), {@link #start()} starts
 * it again on the same HTTP port and settings. Its stdout and stderr go to {@code target/standalone-it/<name>-<n>.log}
 * (one file per start). Always {@link #close()} it (in {@code @AfterEach}): a child left running holds ports and the
 * H2 file.
 */
public final class StandaloneProcess implements AutoCloseable {

    /** The jar {@code mvn package} builds. */
    public static final Path JAR = RunningBundle.projectDir().resolve("target/wechat-open-camel-standalone.jar");

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration POLL = Duration.ofMillis(100);

    private final String name;
    private final int httpPort;
    private final Map<String, String> properties;
    private final Path workDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** A small, quickly started JVM by default: the machine runs several builds at once. */
    private List<String> jvmOptions = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private Process process;
    private Path log;
    private int starts;

    private StandaloneProcess(String name, int httpPort, Map<String, String> properties, Path workDir) {
        this.name = name;
        this.httpPort = httpPort;
        this.properties = properties;
        this.workDir = workDir;
    }

    /**
     * Prepares (does not start) a child on a free loopback port with its own working directory under
     * {@code target/standalone-it/}. The HTTP host, port and public URL, {@code wechat.sandbox.enabled=false} and the
     * admin token are set here; {@code properties} add to or override them.
     */
    public static StandaloneProcess create(String name, Map<String, String> properties) throws IOException {
        int port = AvailablePortFinder.getNextAvailable();
        Map<String, String> all = new LinkedHashMap<>();
        all.put("wechat.http.host", "127.0.0.1");
        all.put("wechat.http.port", String.valueOf(port));
        all.put("wechat.http.public-url", "http://127.0.0.1:" + port);
        all.put("wechat.sandbox.enabled", "false");
        all.putAll(properties);
        Path workDir = RunningBundle.projectDir().resolve("target/standalone-it/" + name);
        Files.createDirectories(workDir);
        return new StandaloneProcess(name, port, all, workDir);
    }

    /** Adds or replaces settings for the next {@link #start()}. */
    public StandaloneProcess with(Map<String, String> settings) {
        properties.putAll(settings);
        return this;
    }

    /**
     * Replaces the JVM options of the next {@link #start()} (by default {@code -Xmx256m -XX:+UseSerialGC
     * -XX:TieredStopAtLevel=1}); benchmarks run the full JIT.
     */
    public StandaloneProcess jvmOptions(List<String> options) {
        jvmOptions = List.copyOf(options);
        return this;
    }

    /** The process id of the running JVM. @throws IllegalStateException when it was never started */
    public long pid() {
        if (process == null) {
            throw new IllegalStateException(name + " was never started");
        }
        return process.pid();
    }

    /** The directory the child runs in: a relative H2 URL such as {@code jdbc:h2:file:./data/x} lands here. */
    public Path workDir() {
        return workDir;
    }

    /** {@code http://127.0.0.1:<port>/wechat}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + httpPort + "/wechat";
    }

    /** The 授权事件接收URL, where the sandbox pushes. */
    public String eventsUrl() {
        return baseUrl() + "/component/events";
    }

    /** The value of a setting passed to the child. */
    public String property(String key) {
        return properties.get(key);
    }

    /** The log file of the latest start. */
    public Path log() {
        return log;
    }

    /** Whether the child JVM is running. */
    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /**
     * Starts the JVM and waits until it serves: the push intake answers (anything but 404) and
     * {@code GET /admin/status} answers 200 (so the database is open and migrated).
     *
     * @throws IllegalStateException when it exits or is not ready within 90 s; the message ends with its log
     */
    public StandaloneProcess start() throws IOException, InterruptedException {
        if (isAlive()) {
            throw new IllegalStateException(name + " is running already");
        }
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run mvn package (mvn verify builds it first)");
        }
        starts++;
        log = workDir.getParent().resolve(name + "-" + starts + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-Dwechat.config.dir=" + RunningBundle.projectDir().resolve("config"));
        command.add("-Dwechat.routes.dir=" + RunningBundle.projectDir().resolve("routes"));
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(JAR.toString());
        process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            Awaitility.await().atMost(START_TIMEOUT).pollInterval(POLL).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited with " + process.exitValue() + " while starting"
                            + tail());
                }
                return ready();
            });
        } catch (ConditionTimeoutException e) {
            kill();
            throw new IllegalStateException(name + " not ready within " + START_TIMEOUT + tail(), e);
        }
        return this;
    }

    private boolean ready() throws InterruptedException {
        try {
            HttpResponse<String> events = get(eventsUrl(), null);
            if (events.statusCode() == 404) {
                return false;
            }
            return get(baseUrl() + "/admin/status", properties.get("wechat.admin.token")).statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** {@code kill -9}: the JVM ends at once, as on a crash or an OOM killer; returns once it is gone. */
    public void kill() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " survived SIGKILL for 30 s");
        }
    }

    /** {@code GET url} with an optional bearer token; 30 s timeout. */
    public HttpResponse<String> get(String url, String bearer) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code POST url} with a body of the given content type; 30 s timeout. */
    public HttpResponse<String> post(String url, String contentType, String body)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The last lines of the current log, for failure messages. */
    public String tail() {
        if (log == null || !Files.isRegularFile(log)) {
            return "";
        }
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "\n--- last lines of " + log + " ---\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return " (log unreadable: " + e + ")";
        }
    }

    /** Kills the child if it still runs. */
    @Override
    public void close() throws InterruptedException {
        kill();
    }

    @Override
    public String toString() {
        return name + " on port " + httpPort;
    }
}
