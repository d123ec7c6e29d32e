package io.wechatopen.camel.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.wechatopen.camel.config.CallbackSettings;
import io.wechatopen.camel.crypto.EncryptedPush;
import io.wechatopen.camel.store.JdbcPushStore;
import io.wechatopen.camel.store.SecretSealer;
import io.wechatopen.camel.store.TestDatabases;
import io.wechatopen.camel.store.TestDatabases.Vendor;
import io.wechatopen.camel.support.TestPushes;
import io.wechatopen.camel.token.WeChatMetrics;

/** Issue 6, item 8: what the push intake stores, answers and reports, on H2. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ComponentPushIntakeTest {

    private static final String APPID = "wx0123456789abcdef";

    private final TestPushes pushes = new TestPushes(APPID, "sandboxtoken",
            "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG");
    private final List<String> reported = new CopyOnWriteArrayList<>();
    private final DefaultCamelContext context = new DefaultCamelContext();
    private TestDatabases.PerClass database;
    private JdbcPushStore store;
    private PushWriter writer;
    private ComponentPushIntake intake;

    @BeforeAll
    void setUp() {
        database = TestDatabases.perClass(Vendor.H2);
        store = new JdbcPushStore(database.db().dataSource(), SecretSealer.fromKeys(TestDatabases.TEST_KEY));
        WeChatMetrics metrics = new WeChatMetrics() {
            @Override
            public void pushReceived(String infoType, String outcome) {
                reported.add(infoType + ":" + outcome);
            }
        };
        context.start();
        writer = new PushWriter(store, 2, context);
        writer.start();
        intake = new ComponentPushIntake(Map.of(APPID, pushes.crypto()), writer,
                new CallbackSettings(Duration.ofMinutes(5), CallbackSettings.MAX_BODY_BYTES), Clock.systemUTC(),
                metrics);
    }

    @AfterAll
    void tearDown() {
        writer.stop();
        context.stop();
        database.close();
    }

    @Test
    void acceptWhenSamePushDeliveredTwiceThenStoredOnceReportedStoredThenDuplicateAndBodyLeftAsBytes()
            throws Exception {
        EncryptedPush push = pushes.ticket("ticket@@@twice", Instant.now());

        Exchange first = exchange(push);
        intake.accept(first);
        Exchange second = exchange(push);
        intake.accept(second);

        assertThat(first.getProperty(ComponentPushIntake.STORED, Boolean.class)).isTrue();
        assertThat(first.getMessage().getHeader(ComponentPushIntake.OUTCOME)).isEqualTo("TICKET_STORED");
        assertThat(second.getMessage().getHeader(ComponentPushIntake.OUTCOME)).isEqualTo("ALREADY_RECORDED");
        assertThat(second.getMessage().getBody()).isInstanceOf(byte[].class);
        assertThat(store.countEvents(APPID)).isEqualTo(1);
        assertThat(reported).containsExactly("component_verify_ticket:stored", "component_verify_ticket:duplicate");
    }

    private Exchange exchange(EncryptedPush push) {
        Exchange exchange = new DefaultExchange(context);
        push.queryParameters().forEach(exchange.getMessage()::setHeader);
        exchange.getMessage().setBody(push.body());
        return exchange;
    }
}
