package io.wechatopen.camel.bench.startup;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.wechatopen.camel.crypto.EncryptedPush;
import io.wechatopen.camel.osgi.FeatureRepositoryCopy;
import io.wechatopen.camel.osgi.KarafContainer;
import io.wechatopen.camel.support.TestPushes;

/**
 * One Karaf start, measured with the set-up of {@code KarafDeploymentIT} ({@link KarafContainer}: a fresh Karaf 4.4.8
 * from {@code target/karaf-dist/}, the built feature repository with the test's Camel stand-in features, the sandbox on
 * and H2 in a file): Karaf is booted and the repository added first (not timed); then from
 * {@code feature:install wechat-open-camel} until a signed ticket push, posted every 10 ms from that instant, is
 * answered {@code success}. RSS and heap are the whole Karaf JVM's, after the push.
 */
final class KarafStart {

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    StandaloneStart.Result measure(Path project, Path mavenRepository, Path workDir, Path log, TestPushes pushes)
            throws Exception {
        Path tarball = only(project.resolve("target/karaf-dist"), ".tar.gz");
        KarafContainer karaf = KarafContainer.layOut(tarball, workDir, mavenRepository);
        try {
            Path features = FeatureRepositoryCopy.write(project.resolve("target/feature/feature.xml"),
                    project.resolve("target/test-karaf/camel-test-features.xml"), bundleJar(project),
                    project.resolve("config/io.wechatopen.camel.cfg"),
                    workDir.resolve("wechat-open-camel-features.xml"));
            int httpPort = freePort();
            karaf.writeEtc("io.wechatopen.camel.cfg",
                    String.join("\n", "wechat.sandbox.enabled = true", "wechat.sandbox.port = " + freePort(),
                            "wechat.api.base-url = http://127.0.0.1:{{wechat.sandbox.port}}",
                            "wechat.http.host = 127.0.0.1", "wechat.http.port = " + httpPort,
                            "wechat.http.public-url = http://127.0.0.1:" + httpPort,
                            "wechat.datasource.url = jdbc:h2:file:" + workDir.resolve("db/wechat"), ""));
            karaf.start();
            KarafContainer.Shell repo = karaf.shell("feature:repo-add " + features.toUri());
            if (!repo.ok()) {
                throw new IllegalStateException("feature:repo-add failed: " + repo.output());
            }
            long pid = karafPid(workDir);
            long cpuBefore = StandaloneStart.cpuMs(pid);
            long start = System.nanoTime();
            CompletableFuture<KarafContainer.Shell> install = CompletableFuture
                    .supplyAsync(() -> karaf.shell("feature:install wechat-open-camel"));
            long readyMs = awaitFirstStoredPush("http://127.0.0.1:" + httpPort + "/wechat/component/events", pushes,
                    start, install);
            KarafContainer.Shell installed = install.get(3, TimeUnit.MINUTES);
            if (!installed.ok()) {
                throw new IllegalStateException("feature:install failed: " + installed.output());
            }
            long cpuMs = StandaloneStart.cpuMs(pid) - cpuBefore;
            return new StandaloneStart.Result(readyMs, cpuMs, StandaloneStart.rssMb(pid),
                    StandaloneStart.liveHeapMb(pid), log);
        } finally {
            Path karafLog = workDir.resolve("data/log/karaf.log");
            if (Files.isRegularFile(karafLog)) {
                Files.copy(karafLog, log, StandardCopyOption.REPLACE_EXISTING);
            }
            karaf.close();
        }
    }

    private long awaitFirstStoredPush(String eventsUrl, TestPushes pushes, long start,
            CompletableFuture<KarafContainer.Shell> install) throws IOException, InterruptedException {
        long deadline = start + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            EncryptedPush push = pushes.ticket("ticket@@@bench-" + System.nanoTime(), Instant.now());
            HttpRequest request = HttpRequest.newBuilder(URI.create(eventsUrl + "?" + push.queryString()))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "text/xml")
                    .POST(HttpRequest.BodyPublishers.ofString(push.body())).build();
            try {
                HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200 && "success".equals(answer.body())) {
                    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                }
            } catch (IOException notListeningYet) {
                if (install.isDone() && !install.join().ok()) {
                    throw new IllegalStateException("feature:install failed: " + install.join().output());
                }
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("no push answered success within " + READY_TIMEOUT);
    }

    private static long karafPid(Path home) {
        String marker = "-Dkaraf.home=" + home;
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(line -> line.contains(marker)).orElse(false))
                .mapToLong(ProcessHandle::pid).findFirst()
                .orElseThrow(() -> new IllegalStateException("no Karaf JVM with " + marker));
    }

    private static Path bundleJar(Path project) throws IOException {
        try (Stream<Path> files = Files.list(project.resolve("target"))) {
            return files.filter(p -> {
                String name = p.getFileName().toString();
                return name.startsWith("wechat-open-camel-") && name.endsWith(".jar") && !name.endsWith("-tests.jar")
                        && !name.contains("standalone");
            }).findFirst().orElseThrow(() -> new IllegalStateException("no bundle jar in target/"));
        }
    }

    private static Path only(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no *" + suffix + " in " + dir));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
