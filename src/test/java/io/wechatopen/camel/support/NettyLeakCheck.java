package io.wechatopen.camel.support;

import static org.assertj.core.api.Assertions.fail;

import java.util.List;

import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.netty.buffer.ByteBufAllocator;

/**
 * Fails a test when Netty's leak detector reported a buffer that was never released ({@code LEAK:} from
 * {@value #DETECTOR}) while it ran (issue 6, item 11). Run with {@code -Dio.netty.leakDetection.level=paranoid}
 * (the build does) so every buffer is tracked. Netty reports a leak only once the buffer was garbage-collected and
 * another buffer is allocated, so after each test this collects garbage and allocates a few times before it checks;
 * it does the same before each test, so that a leak of an earlier test (reported late) is not blamed on this one.
 * Register it with {@code @ExtendWith(NettyLeakCheck.class)} on end-to-end tests.
 */
public final class NettyLeakCheck implements BeforeEachCallback, AfterEachCallback {

    static final String DETECTOR = "io.netty.util.ResourceLeakDetector";
    private static final int REPORT_CHARS = 4000;
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(NettyLeakCheck.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        // A buffer leaked by an earlier test of this JVM is reported now, in the log, not as this test's leak.
        collectAndReport();
        context.getStore(NAMESPACE).put(LogCapture.class, new LogCapture(Level.WARN, DETECTOR));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try (LogCapture capture = context.getStore(NAMESPACE).remove(LogCapture.class, LogCapture.class)) {
            collectAndReport();
            List<String> leaks = capture.events().stream().map(LogCapture.Event::message)
                    .filter(message -> message.contains("LEAK:")).toList();
            // Short and named at both ends: a CI log is often read from its tail.
            if (!leaks.isEmpty()) {
                String test = context.getRequiredTestClass().getSimpleName() + "." + context.getDisplayName();
                fail("%s: Netty buffers leaked; the first report, its most recent accesses first:%n%s%n"
                        + "(%d report(s) from %s during %s)", test, abbreviate(leaks.get(0)), leaks.size(), DETECTOR,
                        test);
            }
        }
    }

    /** Leaks are reported when a tracked buffer is allocated after the leaked one was collected. */
    private static void collectAndReport() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            System.runFinalization();
            for (int j = 0; j < 64; j++) {
                ByteBufAllocator.DEFAULT.buffer(16).release();
            }
        }
    }

    private static String abbreviate(String report) {
        return report.length() <= REPORT_CHARS ? report : report.substring(0, REPORT_CHARS) + " [...]";
    }
}
