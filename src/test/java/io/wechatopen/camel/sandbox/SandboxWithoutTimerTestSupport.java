package io.wechatopen.camel.sandbox;

import org.apache.camel.builder.AdviceWith;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.junit.jupiter.api.BeforeEach;

/**
 * The sandbox started with its timer swapped for {@code direct:test-tick}, so only the pushes a test asks for are
 * sent.
 */
abstract class SandboxWithoutTimerTestSupport extends SandboxRouteTestSupport {

    @Override
    public void configureTest(TestExecutionConfiguration testConfiguration) {
        super.configureTest(testConfiguration);
        testConfiguration.withUseAdviceWith(true);
    }

    @BeforeEach
    void startWithoutTimer() throws Exception {
        AdviceWith.adviceWith(context, SandboxRoutes.TICKET_PUSH, a -> a.replaceFromWith("direct:test-tick"));
        context.start();
    }
}
