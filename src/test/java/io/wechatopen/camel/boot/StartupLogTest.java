package io.wechatopen.camel.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

import io.wechatopen.camel.support.LogCapture;
import io.wechatopen.camel.support.RunningBundle;

/**
 * Issue 9 (start-up, quiet log): with the shipped {@code log4j2.properties} and {@code config/application.properties},
 * a start logs one summary of what runs where, not a line per route or per consumer, and warnings stay visible.
 */
class StartupLogTest {

    private static final String SUMMARY_LOGGER = "io.wechatopen.camel.wiring.StartupSummary";

    @Test
    void startWhenRoutesStartedThenOneSummaryAndFewInfoLines() throws Exception {
        try (LogCapture log = new LogCapture(Level.INFO, "org", "io", "com");
                RunningBundle bundle = RunningBundle.start(Map.of())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> summaries(log).size() == 1);
            List<LogCapture.Event> events = log.events();
            String summary = summaries(log).get(0);
            int routes = bundle.context().getRoutes().size();
            assertThat(summary).contains("HTTP " + bundle.baseUrl() + " [").contains("/component/events")
                    .contains("/admin/status").contains("database H2 jdbc:h2:mem:bundle-")
                    .contains("migrations applied").contains("single instance")
                    .contains("routes " + routes + "/" + routes + " started")
                    .contains("sandbox on " + bundle.sandboxUrl());
            assertThat(summary).doesNotContain(RunningBundle.STORE_KEY).doesNotContain(RunningBundle.ADMIN_TOKEN)
                    .doesNotContain("DB_CLOSE_DELAY");

            List<LogCapture.Event> beforeSummary = events.subList(0, indexOfSummary(events) + 1);
            assertThat(beforeSummary).filteredOn(e -> e.level() == Level.INFO).as("INFO lines of the start")
                    .hasSizeLessThanOrEqualTo(6);
            assertThat(routes).isGreaterThan(20);
            assertThat(events).filteredOn(e -> e.message().contains("has already been started")).hasSizeLessThan(2);
            assertThat(events).filteredOn(e -> e.message().contains("bound to")).hasSizeLessThan(2);
            assertThat(events).noneMatch(e -> e.message().startsWith("Started wechat-"));
        }
    }

    @Test
    void startWhenSandboxCannotServeThenWarningStaysVisibleAndSummarySaysOff() throws Exception {
        try (LogCapture log = new LogCapture(Level.INFO, "org", "io", "com");
                RunningBundle bundle = RunningBundle.start(Map.of("wechat.api.base-url", "http://127.0.0.1:1",
                        "wechat.api.maximum-redeliveries", "0"))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> summaries(log).size() == 1);
            assertThat(log.events()).anySatisfy(e -> {
                assertThat(e.level()).isEqualTo(Level.WARN);
                assertThat(e.message()).contains("wechat.sandbox.enabled is true").contains("the sandbox stays off");
            });
            assertThat(summaries(log).get(0)).contains("sandbox off, WeChat API http://127.0.0.1:1");
        }
    }

    private static List<String> summaries(LogCapture log) {
        return log.events().stream().filter(e -> e.logger().equals(SUMMARY_LOGGER)).map(LogCapture.Event::message)
                .toList();
    }

    private static int indexOfSummary(List<LogCapture.Event> events) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).logger().equals(SUMMARY_LOGGER)) {
                return i;
            }
        }
        throw new AssertionError("no summary");
    }
}
