package io.wechatopen.camel.osgi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.JarFile;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Deploys the feature into a real Karaf 4.4 the way a user does ({@code feature:repo-add} + {@code feature:install
 * wechat-open-camel}) and checks what the user would see.
 *
 * <p>Camel comes from the test-only stand-in features ({@code src/test/karaf/camel-test-features.xml}) unless the
 * build runs with {@code -Pkaraf-official}. The system properties come from failsafe (see the pom);
 * {@code -Dkaraf.it.bundle=<jar>} installs another bundle in place of ours. While the main artifact is not yet an OSGi
 * bundle, the feature is installed without it and the checks that need it are skipped.
 */
class KarafDeploymentIT {

    private static final String FEATURE = "wechat-open-camel";
    private static final String OUR_BSN = "io.wechatopen.camel";

    private static KarafContainer karaf;
    private static Path bundle;
    private static boolean officialCamel;
    private static KarafContainer.Shell install;
    private static Duration installTime;

    @BeforeAll
    static void deploy() throws Exception {
        officialCamel = "official".equals(property("karaf.camel.features"));
        bundle = bundleUnderTest();
        Path work = Path.of(property("karaf.work.dir"));
        karaf = KarafContainer.layOut(Path.of(property("karaf.tarball")), work,
                Path.of(property("karaf.maven.local-repository")));
        Path features = FeatureRepositoryCopy.write(Path.of(property("karaf.features.file")),
                officialCamel ? null : Path.of(property("karaf.camel.stand-in.file")), bundle,
                work.resolve("wechat-open-camel-features.xml"));
        // Test-only values (no real secret); the sandbox is off and nothing calls the API base URL here.
        karaf.writeEtc("io.wechatopen.camel.cfg", String.join("\n",
                "wechat.component.appid = wx-karaf-it",
                "wechat.component.appsecret = karaf-it-secret",
                "wechat.component.token = karaf-it-token",
                "wechat.component.encoding-aes-key = abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
                "wechat.api.base-url = http://127.0.0.1:9",
                "wechat.sandbox.enabled = false",
                "wechat.http.host = 127.0.0.1",
                "wechat.http.port = " + freePort(),
                "wechat.http.context-path = /wechat",
                "wechat.http.public-url = http://127.0.0.1",
                "wechat.datasource.url = jdbc:h2:mem:karaf-it;DB_CLOSE_DELAY=-1",
                "wechat.datasource.username = sa",
                "wechat.store.encryption-key = MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
                "wechat.admin.token = karaf-it-admin",
                ""));
        Files.createDirectories(karaf.home().resolve("etc/wechat-open-camel/routes"));

        long started = System.nanoTime();
        karaf.start();
        install = karaf.shell("feature:repo-add " + features.toUri(), "feature:install " + FEATURE);
        installTime = Duration.ofNanos(System.nanoTime() - started);
        System.out.println("Karaf boot + feature:install " + FEATURE + ": " + installTime.toMillis() + " ms");
    }

    @AfterAll
    static void stop() {
        if (karaf != null) {
            karaf.close();
        }
    }

    @Test
    void featureInstallsAndEveryBundleIsActive() {
        assertThat(install.ok()).as(() -> install.output() + karaf.diagnostics()).isTrue();

        // Names, not symbolic names (-s): only the name column shows "Hosts:" for a fragment.
        KarafContainer.Shell bundles = karaf.shell("bundle:list -t 0");
        List<String> notActive = bundles.output().lines()
                .filter(line -> line.matches("\\s*\\d+ \\|.*"))
                .filter(line -> !line.contains("| Active "))
                // Fragments stay Resolved once attached to their host.
                .filter(line -> !(line.contains("| Resolved ") && line.contains("Hosts:")))
                .toList();
        assertThat(notActive).as(() -> bundles.output() + karaf.diagnostics()).isEmpty();
    }

    @Test
    void flywayMySqlSupportIsAttachedToFlywayCore() {
        KarafContainer.Shell bundles = karaf.shell("bundle:list -t 0");
        assertThat(bundles.output().lines().filter(line -> line.contains("| flyway-mysql")))
                .as(() -> bundles.output())
                .singleElement().satisfies(line -> assertThat(line).contains("| Resolved ", "Hosts:"));
    }

    @Test
    void ourBundleStartsAndPublishesItsCamelContext() {
        assumeTrue(bundle != null, "the main artifact is not an OSGi bundle yet");
        // Fail fast (not after the wait below) when the feature did not install.
        assertThat(install.ok()).as(() -> install.output() + karaf.diagnostics()).isTrue();

        Awaitility.await("a CamelContext service from " + OUR_BSN)
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> karaf.shell("service:list org.apache.camel.CamelContext").output()
                        .contains("camel.context.symbolicname = " + OUR_BSN));
        KarafContainer.Shell bundles = karaf.shell("bundle:list -s -t 0");
        assertThat(bundles.output().lines().filter(line -> line.contains("| " + OUR_BSN + " ")
                        || line.endsWith("| " + OUR_BSN)))
                .as(() -> bundles.output() + karaf.diagnostics())
                .singleElement().satisfies(line -> assertThat(line).contains("| Active "));
        if (officialCamel) {
            // camel:* commands come from camel-karaf-shell, which only the official features provide.
            KarafContainer.Shell contexts = karaf.shell("camel:context-list");
            assertThat(contexts.output()).as(() -> contexts.output() + karaf.diagnostics()).contains("Started");
        }
    }

    /** The main jar when it is an OSGi bundle, {@code -Dkaraf.it.bundle} when given, else {@code null}. */
    private static Path bundleUnderTest() throws IOException {
        String override = System.getProperty("karaf.it.bundle");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        Path jar = Path.of(property("karaf.bundle.file"));
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.getManifest() != null
                    && file.getManifest().getMainAttributes().getValue("Bundle-SymbolicName") != null ? jar : null;
        }
    }

    private static String property(String key) {
        String value = System.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("System property " + key + " is not set (failsafe sets it; see the pom)");
        }
        return value;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
