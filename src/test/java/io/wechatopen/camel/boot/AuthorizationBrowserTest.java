package io.wechatopen.camel.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;

import io.wechatopen.camel.support.NettyLeakCheck;
import io.wechatopen.camel.support.RunningBundle;

/**
 * The authorization as a person does it, in Debian's headless Chromium: our entry page, the button, the sandbox's
 * authorization page, approve as a test account, our result page naming the account; then the database holds the
 * authorization and the admin status counts it with a valid token.
 */
@ExtendWith(NettyLeakCheck.class)
class AuthorizationBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String ACCOUNT = "wx1000000000000001";

    private RunningBundle bundle;
    private WebDriver browser;
    private Path profile;

    @BeforeEach
    void start() throws Exception {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("Chromium and chromedriver must be installed under CI=true"
                    + " (apt-get install chromium chromium-driver; .ci/run does it)");
        }
        Assumptions.assumeTrue(present, "Chromium or chromedriver not installed: browser test skipped"
                + " (apt-get install chromium chromium-driver)");
        bundle = RunningBundle.start(Map.of());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> bundle.status().at("/components/0/component_token/valid").asBoolean());

        profile = Files.createTempDirectory("wechat-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (bundle != null) {
            bundle.close();
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    void ownerWhenApprovesOnTheSandboxPageThenResultPageNamesTheAccountAndItIsStored() throws Exception {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        browser.get(bundle.baseUrl() + "/authorize");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("authorize"))).click();

        // Now on the sandbox's authorization page (WeChat's, in production).
        wait.until(ExpectedConditions.elementToBeClickable(By.id("approve")));
        assertThat(browser.getCurrentUrl()).startsWith(bundle.sandboxUrl() + "/cgi-bin/componentloginpage");
        browser.findElement(By.id("account-" + ACCOUNT)).click();
        browser.findElement(By.id("approve")).click();

        // Back on our result page.
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("authorized-title")));
        screenshot("authorization-result");
        assertThat(browser.getCurrentUrl()).startsWith(bundle.baseUrl() + "/authorize/callback");
        String expectedName = accountName(bundle.sandboxState(), ACCOUNT);
        assertThat(browser.findElement(By.id("account-name")).getText()).isEqualTo(expectedName);
        assertThat(browser.findElement(By.id("account-appid")).getText()).isEqualTo(ACCOUNT);

        assertThat(bundle.count("SELECT COUNT(*) FROM wechat_authorizer WHERE authorizer_appid = ?"
                + " AND status = 'AUTHORIZED' AND refresh_token LIKE 'v1:%' AND access_token LIKE 'v1:%'", ACCOUNT))
                        .isOne();
        await().atMost(Duration.ofSeconds(10)).until(() -> bundle.status().at("/components/0/authorizers/AUTHORIZED")
                .asLong() == 1 && bundle.status().at("/components/0/authorizers_with_valid_token").asLong() == 1);
        assertThat(bundle.sandboxState().at("/calls/api_query_auth").asLong()).isOne();
    }

    private static String accountName(JsonNode sandboxState, String appid) {
        for (JsonNode authorizer : sandboxState.path("authorizers")) {
            if (appid.equals(authorizer.path("appid").asText())
                    || appid.equals(authorizer.path("authorizer_appid").asText())) {
                String name = authorizer.path("nick_name").asText("");
                if (!name.isEmpty()) {
                    return name;
                }
            }
        }
        throw new AssertionError("the sandbox state names no account " + appid + ": " + sandboxState);
    }

    private void screenshot(String name) throws Exception {
        File shot = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Path target = RunningBundle.projectDir().resolve("target/screenshots/" + name + ".png");
        Files.createDirectories(target.getParent());
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }
}
