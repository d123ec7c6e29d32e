package io.wechatopen.camel.osgi;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real Apache Karaf for black-box tests: a fresh instance unpacked from the distribution tarball (which Maven
 * fetched), started as a child process on free loopback ports and driven through its shell in batch mode
 * ({@code bin/client -b}, commands on stdin).
 *
 * <p>{@link #layOut} prepares the instance: the SSH and RMI ports are free ones (never 8101/1099/44444), the
 * {@code karaf} user is enabled (Karaf 4.4 ships it commented out), and pax-url-mvn resolves {@code mvn:} URLs from
 * the build's local repository, downloading what is missing from Central into it. {@link #start()} boots it and
 * waits until the shell answers at start level 100. {@link #close()} stops it ({@code bin/stop}, then destroys the
 * process tree); a JVM shutdown hook does the same if the test JVM exits without {@code close()}.
 *
 * <p>Failures carry {@link #diagnostics()}: the tail of {@code data/log/karaf.log} and of the console output.
 */
public final class KarafContainer implements AutoCloseable {

    /** The user {@link #layOut} enables, with this password. */
    public static final String USER = "karaf";

    private static final Duration BOOT_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration SHELL_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[;\\d]*m");
    private static final String CENTRAL = "https://repo1.maven.org/maven2@id=central";

    private final Path home;
    private final int sshPort;
    private Process process;
    private Thread shutdownHook;

    private KarafContainer(Path home, int sshPort) {
        this.home = home;
        this.sshPort = sshPort;
    }

    /**
     * Unpacks {@code tarball} into {@code workDir} (deleted first, so every run starts from a fresh instance) and
     * configures it as described on the class.
     *
     * @param mavenLocalRepository the build's {@code ${settings.localRepository}}: where Karaf looks for and stores
     *     {@code mvn:} artifacts
     */
    public static KarafContainer layOut(Path tarball, Path workDir, Path mavenLocalRepository)
            throws IOException, InterruptedException {
        if (!Files.isRegularFile(tarball)) {
            throw new IllegalStateException(
                    "No Karaf distribution at " + tarball + " (mvn pre-integration-test fetches it)");
        }
        killLeftover(workDir);
        deleteTree(workDir);
        Files.createDirectories(workDir);
        run(workDir, List.of("tar", "xzf", tarball.toString(), "-C", workDir.toString(), "--strip-components=1"));

        int[] ports = freePorts(3);
        KarafContainer karaf = new KarafContainer(workDir, ports[0]);
        karaf.setProperty("etc/org.apache.karaf.shell.cfg", "sshPort", String.valueOf(ports[0]));
        karaf.setProperty("etc/org.apache.karaf.shell.cfg", "sshHost", "127.0.0.1");
        karaf.setProperty("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", String.valueOf(ports[1]));
        karaf.setProperty("etc/org.apache.karaf.management.cfg", "rmiServerPort", String.valueOf(ports[2]));
        karaf.setProperty("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                mavenLocalRepository.toAbsolutePath().toString());
        karaf.setProperty("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories", CENTRAL);
        karaf.setProperty("etc/users.properties", USER, USER + ",_g_:admingroup");
        karaf.setProperty("etc/users.properties", "_g_\\:admingroup", "group,admin,manager,viewer,systembundles,ssh");
        // The quiet start the README describes: the loggers it adds to Karaf's own logging configuration.
        for (String[] logger : new String[][] {{"wechatCamelNetty", "org.apache.camel.component.netty"},
                {"wechatCamelQuartz", "org.apache.camel.component.quartz"}, {"wechatQuartz", "org.quartz"},
                {"wechatNetty", "io.netty"}, {"wechatFlyway", "org.flywaydb"}, {"wechatHikari", "com.zaxxer.hikari"}}) {
            karaf.setProperty("etc/org.ops4j.pax.logging.cfg", "log4j2.logger." + logger[0] + ".name", logger[1]);
            karaf.setProperty("etc/org.ops4j.pax.logging.cfg", "log4j2.logger." + logger[0] + ".level", "WARN");
        }
        return karaf;
    }

    /** The instance directory ({@code KARAF_HOME}). */
    public Path home() {
        return home;
    }

    /** The SSH port the shell listens on (loopback only). */
    public int sshPort() {
        return sshPort;
    }

    /** Writes (or replaces) a file under the instance's {@code etc/}, creating folders, e.g. a cfg or a route. */
    public Path writeEtc(String relativePath, String content) throws IOException {
        Path file = home.resolve("etc").resolve(relativePath);
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        // A rename, so Karaf's file watchers never read a half-written file.
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    /**
     * Starts {@code bin/karaf server} and waits until the shell answers at start level 100.
     *
     * @throws IllegalStateException when Karaf exits or does not answer within 2 minutes; the message ends with
     *     {@link #diagnostics()}
     */
    public KarafContainer start() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("console.log").toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("KARAF_OPTS");
        process = builder.start();
        shutdownHook = new Thread(this::destroyTree, "karaf-container-kill");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            Awaitility.await("Karaf shell at start level 100")
                    .atMost(BOOT_TIMEOUT)
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("Karaf exited with " + process.exitValue());
                        }
                        Shell result = shellOnce(Duration.ofSeconds(30), "system:start-level");
                        return result.exitCode() == 0 && result.output().contains("100");
                    });
        } catch (ConditionTimeoutException | IllegalStateException e) {
            throw new IllegalStateException("Karaf did not start: " + e.getMessage() + "\n" + diagnostics(), e);
        }
        return this;
    }

    /**
     * Runs shell commands in one batch session and returns their combined output without colour codes.
     *
     * @throws IllegalStateException when the client does not finish within 3 minutes
     */
    public Shell shell(String... commands) {
        try {
            return shellOnce(SHELL_TIMEOUT, commands);
        } catch (IOException e) {
            throw new IllegalStateException("bin/client failed: " + e.getMessage(), e);
        }
    }

    private Shell shellOnce(Duration timeout, String... commands) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/client").toString(),
                "-h", "127.0.0.1", "-a", String.valueOf(sshPort), "-u", USER, "-p", USER, "-r", "1", "-b")
                        .directory(home.toFile())
                        .redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process client = builder.start();
        try (OutputStream in = client.getOutputStream()) {
            in.write((String.join("\n", commands) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        try {
            if (!client.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                client.destroyForcibly();
                throw new IllegalStateException("Karaf shell did not answer within " + timeout + ": "
                        + String.join("; ", commands));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            client.destroyForcibly();
            throw new IllegalStateException("interrupted", e);
        }
        String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Shell(client.exitValue(), ANSI.matcher(output).replaceAll("")
                .lines().filter(line -> !line.startsWith("client: JAVA_HOME")).reduce("", (a, b) -> a + b + "\n"));
    }

    /** The last lines of {@code data/log/karaf.log} and of the console, for a failure message. */
    public String diagnostics() {
        return "---- tail of " + home.resolve("data/log/karaf.log") + "\n"
                + tail(home.resolve("data/log/karaf.log"), 60)
                + "---- tail of " + home.resolve("console.log") + "\n" + tail(home.resolve("console.log"), 20);
    }

    /** Stops Karaf with {@code bin/stop}, then destroys whatever of its process tree is left. */
    @Override
    public void close() {
        if (process == null) {
            return;
        }
        try {
            if (process.isAlive()) {
                ProcessBuilder stop = new ProcessBuilder(home.resolve("bin/stop").toString())
                        .directory(home.toFile()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
                stop.environment().put("JAVA_HOME", System.getProperty("java.home"));
                stop.start().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (IOException e) {
            // bin/stop could not run: the destroy below ends Karaf all the same.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            destroyTree();
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or about to: nothing to remove.
            }
            process = null;
        }
    }

    private void destroyTree() {
        Process p = process;
        if (p == null) {
            return;
        }
        // bin/karaf is a shell loop around the JVM: end the children first, or the JVM outlives the script.
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.descendants().forEach(ProcessHandle::destroyForcibly);
    }

    /** The output of one batch shell session. */
    public record Shell(int exitCode, String output) {
        /** Whether the client exited 0 and printed no shell error. */
        public boolean ok() {
            return exitCode == 0 && !output.contains("Error executing command");
        }
    }

    /** Sets {@code key = value} in a Karaf properties file, replacing the key's line (and its continuations). */
    private void setProperty(String relativePath, String key, String value) throws IOException {
        Path file = home.resolve(relativePath);
        List<String> out = new ArrayList<>();
        boolean skippingContinuation = false;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String trimmed = line.strip();
            if (skippingContinuation) {
                skippingContinuation = trimmed.endsWith("\\");
                continue;
            }
            String uncommented = trimmed.startsWith("#") ? trimmed.substring(1).strip() : trimmed;
            if (uncommented.matches(Pattern.quote(key) + "\\s*=.*")) {
                skippingContinuation = trimmed.endsWith("\\");
                continue;
            }
            out.add(line);
        }
        out.add(key + " = " + value);
        Files.write(file, out, StandardCharsets.UTF_8);
    }

    private static int[] freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                // Held open together, so the ports differ from each other.
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    /** Ends a Karaf that a killed test JVM left running in {@code workDir} (its pid is in instance.properties). */
    private static void killLeftover(Path workDir) throws IOException {
        Path instances = workDir.resolve("instances/instance.properties");
        if (!Files.isRegularFile(instances)) {
            return;
        }
        java.util.Properties properties = new java.util.Properties();
        try (var in = Files.newInputStream(instances)) {
            properties.load(in);
        }
        String pid = properties.getProperty("item.0.pid", "").strip();
        if (!pid.matches("\\d+")) {
            return;
        }
        String home = workDir.toAbsolutePath().toString();
        ProcessHandle.of(Long.parseLong(pid))
                // Only if that pid is still this instance's JVM, not a reused pid.
                .filter(h -> h.info().commandLine().map(c -> c.contains(home)).orElse(false))
                .ifPresent(h -> {
                    h.destroyForcibly();
                    h.onExit().join();
                });
    }

    private static void run(Path dir, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())) + "\n";
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")\n";
        }
    }
}
