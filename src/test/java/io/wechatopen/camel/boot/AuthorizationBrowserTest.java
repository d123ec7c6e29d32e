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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;

import io.wechatopen.camel.support.HeadlessChromium;
import io.wechatopen.camel.support.NettyLeakCheck;
import io.wechatopen.camel.support.RunningBundle;

/**
 * The authorization as a person does it, in Debian's headless Chromium: our entry page, the button, the sandbox's
 * authorization page, approve as a test account, our result page naming the account; then the database holds the
 * authorization and the admin status counts it with a valid token.
 */
@ExtendWith(NettyLeakCheck.class)
class AuthorizationBrowserTest {

    private static final String ACCOUNT = "wx1000000000000001";

    private RunningBundle bundle;
    private HeadlessChromium chromium;
    private WebDriver browser;

    @BeforeEach
    void start() throws Exception {
        HeadlessChromium.requireInstalled();
        bundle = RunningBundle.start(Map.of());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> bundle.status().at("/components/0/component_token/valid").asBoolean());

        chromium = HeadlessChromium.start();
        browser = chromium.driver();
    }

    @AfterEach
    void stop() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
        if (bundle != null) {
            bundle.close();
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
