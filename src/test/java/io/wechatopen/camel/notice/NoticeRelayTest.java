package io.wechatopen.camel.notice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.wechatopen.camel.model.AuthorizationChange;
import io.wechatopen.camel.model.Notice;
import io.wechatopen.camel.routes.NoticeRoutes;
import io.wechatopen.camel.store.JdbcAuthorizerStore;
import io.wechatopen.camel.store.JdbcNoticeStore;
import io.wechatopen.camel.store.SecretSealer;
import io.wechatopen.camel.store.TestDatabases;
import io.wechatopen.camel.store.TestDatabases.Vendor;
import io.wechatopen.camel.support.MutableClock;

/**
 * {@link NoticeRelay} on a real H2 outbox and a real Camel context whose integrator route records what it is given
 * on {@code seda:wechat-authorization-changed}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NoticeRelayTest {

    private static final String COMPONENT = "wx0123456789abcdef";
    private static final Instant T0 = Instant.parse("2025-06-01T09:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(30);

    private TestDatabases.PerClass database;
    private MutableClock clock;
    private JdbcNoticeStore notices;
    private JdbcAuthorizerStore authorizers;
    private CamelContext context;
    private final List<Map<String, Object>> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();

    @BeforeAll
    void openDatabase() {
        database = TestDatabases.perClass(Vendor.H2);
    }

    @AfterAll
    void dropDatabase() {
        database.close();
    }

    @BeforeEach
    void start() throws Exception {
        TestDatabases.Db db = database.db();
        db.deleteAllRows();
        received.clear();
        failuresLeft.set(0);
        clock = new MutableClock(T0);
        notices = new JdbcNoticeStore(db.dataSource(), clock);
        authorizers = new JdbcAuthorizerStore(db.dataSource(), SecretSealer.fromKeys(TestDatabases.TEST_KEY), clock,
                notices);
        context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(NoticeRelay.AUTHORIZATION_ENDPOINT).routeId("integrator-records").process(exchange -> {
                    if (failuresLeft.getAndDecrement() > 0) {
                        throw new IllegalStateException("integrator down");
                    }
                    received.add(Map.of("id", exchange.getMessage().getHeader(Notice.NOTICE_ID),
                            "change", exchange.getMessage().getHeader(Notice.CHANGE),
                            "account", exchange.getMessage().getHeader(Notice.AUTHORIZER_APPID),
                            "body", exchange.getMessage().getBody(String.class)));
                });
            }
        });
        context.start();
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void relayWhenAChangeIsStoredThenDeliveredOnceWithItsNoticeId() {
        authorizers.markUnauthorized(COMPONENT, "wxa1", T0, unauthorized("wxa1"));
        String id = notices.findByAuthorizer(COMPONENT, "wxa1").get(0).noticeId();

        assertThat(relay("node-a").relay()).isEqualTo(1);
        assertThat(relay("node-a").relay()).isZero();
        clock.advance(LEASE.multipliedBy(2));
        assertThat(relay("node-b").relay()).isZero();

        assertThat(received).singleElement().satisfies(notice -> {
            assertThat(notice).containsEntry("id", id).containsEntry("change", "unauthorized")
                    .containsEntry("account", "wxa1");
            assertThat((String) notice.get("body")).contains("\"notice_id\":\"" + id + "\"");
        });
        assertThat(notices.countPending(COMPONENT)).isZero();
    }

    @Test
    void relayWhenTheIntegratorRouteThrowsThenRedeliveredAfterTheBackOffWithTheSameId() {
        authorizers.markUnauthorized(COMPONENT, "wxa1", T0, unauthorized("wxa1"));
        failuresLeft.set(1);
        NoticeRelay relay = relay("node-a");

        assertThat(relay.relay()).isZero();
        assertThat(received).isEmpty();
        assertThat(notices.findByAuthorizer(COMPONENT, "wxa1")).singleElement().returns(1, Notice::attempts);
        assertThat(relay.relay()).as("not before the back-off").isZero();

        clock.advance(Duration.ofSeconds(1));
        assertThat(relay.relay()).isEqualTo(1);
        assertThat(received).extracting(n -> n.get("id"))
                .containsExactly(notices.findByAuthorizer(COMPONENT, "wxa1").get(0).noticeId());
        assertThat(notices.countPending(COMPONENT)).isZero();
    }

    @Test
    void relayWhenNoConsumerThenFailsAndKeepsTheNotice() throws Exception {
        context.getRouteController().stopRoute("integrator-records");
        authorizers.markUnauthorized(COMPONENT, "wxa1", T0, unauthorized("wxa1"));

        assertThat(relay("node-a").relay()).isZero();

        assertThat(notices.countPending(COMPONENT)).isEqualTo(1);
        assertThat(notices.findByAuthorizer(COMPONENT, "wxa1")).singleElement().returns(1, Notice::attempts);
    }

    @Test
    void relayWhenTwoInstancesRunTogetherThenEachNoticeIsDeliveredOnce() throws Exception {
        for (int i = 0; i < 30; i++) {
            String account = String.format("wxa%02d", i);
            authorizers.markUnauthorized(COMPONENT, account, T0, unauthorized(account));
        }

        List<CompletableFuture<Integer>> runs = new ArrayList<>();
        for (String node : List.of("node-a", "node-b")) {
            NoticeRelay relay = relay(node);
            runs.add(CompletableFuture.supplyAsync(relay::relay));
        }
        int delivered = 0;
        for (CompletableFuture<Integer> run : runs) {
            delivered += run.get();
        }

        assertThat(delivered).isEqualTo(30);
        assertThat(received).hasSize(30);
        assertThat(received).extracting(n -> n.get("id")).doesNotHaveDuplicates();
        assertThat(notices.countPending(COMPONENT)).isZero();
    }

    @Test
    void routesWhenAChangeIsCommittedThenTheWakeUpDeliversIt() throws Exception {
        NoticeRelay relay = new NoticeRelay(notices, context.createProducerTemplate(), "node-a", LEASE,
                Clock.systemUTC());
        notices.onWritten(relay::wake);
        context.addRoutes(new RouteConfigurationBuilder() {
            @Override
            public void configuration() {
                routeConfiguration("wechat-schedule-errors").onException(Exception.class).handled(true);
            }
        });
        context.addRoutes(new NoticeRoutes(relay));

        authorizers.markUnauthorized(COMPONENT, "wxa1", T0, unauthorized("wxa1"));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(received).hasSize(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> notices.countPending(COMPONENT) == 0);
    }

    private NoticeRelay relay(String node) {
        return new NoticeRelay(notices, context.createProducerTemplate(), node, LEASE, clock);
    }

    private static AuthorizationChange unauthorized(String account) {
        return new AuthorizationChange(COMPONENT, account, AuthorizationChange.Kind.UNAUTHORIZED, T0, List.of(),
                "unauthorized push");
    }
}
