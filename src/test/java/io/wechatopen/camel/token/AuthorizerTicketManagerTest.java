package io.wechatopen.camel.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.wechatopen.camel.AuthorizerUnavailableException;
import io.wechatopen.camel.AuthorizerUnavailableException.Reason;
import io.wechatopen.camel.api.AuthorizerTicketApi;
import io.wechatopen.camel.api.WeChatApiException;
import io.wechatopen.camel.api.dto.TicketResponse;
import io.wechatopen.camel.config.ClusterSettings;
import io.wechatopen.camel.config.TokenPolicy;
import io.wechatopen.camel.model.Authorization;
import io.wechatopen.camel.model.AuthorizerTicket;
import io.wechatopen.camel.store.AuthorizerTicketStore;
import io.wechatopen.camel.store.JdbcApiBackoffStore;
import io.wechatopen.camel.store.JdbcAuthorizerStore;
import io.wechatopen.camel.store.JdbcAuthorizerTicketStore;
import io.wechatopen.camel.store.SecretSealer;
import io.wechatopen.camel.store.TestDatabases;
import io.wechatopen.camel.store.TestDatabases.Vendor;
import io.wechatopen.camel.support.MutableClock;

/**
 * {@link AuthorizerTicketManager} on H2 with an in-process getticket that counts its calls: the paths the end-to-end
 * tests cannot steer: waiting for another instance's lease, sharing one failed call among the callers that waited
 * for it, renewal within the refresh skew, and a ticket fetched after the lease was lost.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizerTicketManagerTest {

    private static final String COMPONENT = "wxcomponent00001";
    private static final String ACCOUNT = "wxaccount000001";
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(10);
    private static final TokenPolicy POLICY = new TokenPolicy(Duration.ofMinutes(10), Duration.ofMinutes(30));

    private TestDatabases.PerClass database;
    private MutableClock clock;
    private JdbcAuthorizerStore authorizers;
    private JdbcAuthorizerTicketStore tickets;
    private ApiBackoff backoff;
    private final CountingTicketApi api = new CountingTicketApi();

    @BeforeAll
    void openDatabase() {
        database = TestDatabases.perClass(Vendor.H2);
    }

    @AfterAll
    void dropDatabase() {
        database.close();
    }

    @BeforeEach
    void setUp() {
        TestDatabases.Db db = database.db();
        db.deleteAllRows();
        clock = new MutableClock(T0);
        SecretSealer sealer = SecretSealer.fromKeys(TestDatabases.TEST_KEY);
        authorizers = new JdbcAuthorizerStore(db.dataSource(), sealer, clock);
        tickets = new JdbcAuthorizerTicketStore(db.dataSource(), sealer, clock);
        backoff = new ApiBackoff(new JdbcApiBackoffStore(db.dataSource(), clock), clock);
        authorizers.saveAuthorization(new Authorization(COMPONENT, ACCOUNT, "token", T0.plusSeconds(7200), "refresh",
                List.of(1), T0), null);
        api.calls.set(0);
        api.answer = () -> new TicketResponse("ticket-" + api.calls.get(), 7200);
    }

    @Test
    void jsapiTicketWhenAnotherInstanceHoldsTheLeaseThenWaitsForItsTicketWithoutCallingWeChat() throws Exception {
        CountDownLatch refused = new CountDownLatch(1);
        AuthorizerTicketManager manager = manager("node-a", new LeaseWatchingStore(tickets, refused));
        tickets.tryLease(COMPONENT, ACCOUNT, AuthorizerTicket.JSAPI, "node-b", T0, T0.plus(LEASE));

        CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> manager.jsapiTicket(ACCOUNT));
        assertThat(refused.await(10, TimeUnit.SECONDS)).isTrue();
        tickets.saveUnderLease(new AuthorizerTicket(COMPONENT, ACCOUNT, AuthorizerTicket.JSAPI, "from-node-b",
                T0.plusSeconds(7200)), "node-b");

        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("from-node-b");
        assertThat(api.calls).hasValue(0);
    }

    @Test
    void jsapiTicketWhenTheFetchFailsThenCallersThatWaitedShareItsFailureAndWeChatIsCalledOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        api.answer = () -> {
            awaitLatch(release);
            // not 45009, which would open the account's quota breaker
            throw new WeChatApiException("/cgi-bin/ticket/getticket", 48001, "api unauthorized");
        };
        AuthorizerTicketManager manager = manager("node-a", tickets);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < 5; i++) {
            Thread thread = new Thread(() -> {
                try {
                    manager.jsapiTicket(ACCOUNT);
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            });
            threads.add(thread);
            thread.start();
        }
        // one thread calls WeChat, the four others wait for the account's lock
        await().atMost(Duration.ofSeconds(10)).until(() -> api.calls.get() == 1
                && threads.stream().filter(t -> t.getState() == Thread.State.WAITING).count() >= 4);
        release.countDown();
        for (Thread thread : threads) {
            thread.join(10_000);
        }

        assertThat(api.calls).hasValue(1);
        assertThat(failures).hasSize(5);
        assertThat(failures).filteredOn(WeChatApiException.class::isInstance).hasSize(1);
        assertThat(failures).filteredOn(AuthorizerUnavailableException.class::isInstance).hasSize(4)
                .allSatisfy(e -> assertThat(((AuthorizerUnavailableException) e).getReason())
                        .isEqualTo(Reason.UNAVAILABLE))
                .allSatisfy(e -> assertThat(e).hasCauseInstanceOf(WeChatApiException.class));
        assertThat(tickets.find(COMPONENT, ACCOUNT, AuthorizerTicket.JSAPI)).isEmpty();
        // a later caller tries again
        api.answer = () -> new TicketResponse("after-failure", 7200);
        assertThat(manager.jsapiTicket(ACCOUNT)).isEqualTo("after-failure");
    }

    @Test
    void jsapiTicketWhenStoredOneWithinTheRefreshSkewThenANewOneIsFetchedAndStored() {
        assertThat(manager("node-a", tickets).jsapiTicket(COMPONENT, ACCOUNT)).isEqualTo("ticket-1");
        clock.advance(Duration.ofSeconds(7200).minus(POLICY.refreshSkew()).minusSeconds(1));
        assertThat(manager("node-b", tickets).jsapiTicket(ACCOUNT)).as("still usable").isEqualTo("ticket-1");

        clock.advance(Duration.ofSeconds(2));

        assertThat(manager("node-b", tickets).jsapiTicket(ACCOUNT)).isEqualTo("ticket-2");
        assertThat(tickets.find(COMPONENT, ACCOUNT, AuthorizerTicket.JSAPI)).get()
                .returns("ticket-2", AuthorizerTicket::ticket)
                .returns(clock.instant().plusSeconds(7200), AuthorizerTicket::expiresAt);
        assertThat(api.calls).hasValue(2);
    }

    @Test
    void jsapiTicketWhenTheLeaseWasLostDuringTheCallThenHandedOutButNotStored() {
        AuthorizerTicketManager manager = manager("node-a", tickets);
        api.answer = () -> {
            // node-a's call outlasted its lease; node-b took it over
            clock.advance(LEASE.plusSeconds(1));
            tickets.tryLease(COMPONENT, ACCOUNT, AuthorizerTicket.JSAPI, "node-b", clock.instant(),
                    clock.instant().plus(LEASE));
            return new TicketResponse("late", 7200);
        };

        assertThat(manager.jsapiTicket(ACCOUNT)).isEqualTo("late");
        assertThat(tickets.find(COMPONENT, ACCOUNT, AuthorizerTicket.JSAPI)).isEmpty();
        assertThat(tickets.tryLease(COMPONENT, ACCOUNT, AuthorizerTicket.JSAPI, "node-a", clock.instant(),
                clock.instant().plus(LEASE))).as("node-b's lease untouched").isFalse();
    }

    @Test
    void jsapiTicketWhenAccountWithdrewThenUnauthorizedAndItsTicketsDeleted() {
        manager("node-a", tickets).jsapiTicket(ACCOUNT);
        authorizers.markUnauthorized(COMPONENT, ACCOUNT, T0);

        assertThatThrownBy(() -> manager("node-a", tickets).jsapiTicket(ACCOUNT)).isInstanceOfSatisfying(
                AuthorizerUnavailableException.class, e -> assertThat(e.getReason()).isEqualTo(Reason.UNAUTHORIZED));
        assertThat(tickets.find(COMPONENT, ACCOUNT, AuthorizerTicket.JSAPI)).isEmpty();
        assertThatThrownBy(() -> manager("node-a", tickets).jsapiTicket("wxother", ACCOUNT))
                .isInstanceOfSatisfying(AuthorizerUnavailableException.class,
                        e -> assertThat(e.getReason()).isEqualTo(Reason.UNKNOWN));
        assertThat(api.calls).hasValue(1);
    }

    private AuthorizerTicketManager manager(String node, AuthorizerTicketStore store) {
        return new AuthorizerTicketManager(Set.of(COMPONENT), authorizers, appid -> COMPONENT, store, api, backoff,
                POLICY,
                new ClusterSettings(node, LEASE), clock);
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** getticket in-process: counts calls and answers with {@link #answer}. */
    private static final class CountingTicketApi implements AuthorizerTicketApi {
        final AtomicInteger calls = new AtomicInteger();
        volatile java.util.function.Supplier<TicketResponse> answer;

        @Override
        public TicketResponse ticket(String componentAppid, String authorizerAppid, String type) {
            calls.incrementAndGet();
            return answer.get();
        }
    }

    /** The JDBC store, telling when a lease was refused (another instance holds it). */
    private record LeaseWatchingStore(AuthorizerTicketStore store, CountDownLatch refused)
            implements AuthorizerTicketStore {

        @Override
        public Optional<AuthorizerTicket> find(String componentAppid, String authorizerAppid, String type) {
            return store.find(componentAppid, authorizerAppid, type);
        }

        @Override
        public boolean tryLease(String componentAppid, String authorizerAppid, String type, String holder,
                Instant now, Instant until) {
            boolean taken = store.tryLease(componentAppid, authorizerAppid, type, holder, now, until);
            if (!taken) {
                refused.countDown();
            }
            return taken;
        }

        @Override
        public boolean saveUnderLease(AuthorizerTicket ticket, String holder) {
            return store.saveUnderLease(ticket, holder);
        }

        @Override
        public void releaseLease(String componentAppid, String authorizerAppid, String type, String holder) {
            store.releaseLease(componentAppid, authorizerAppid, type, holder);
        }

        @Override
        public int deleteAll(String componentAppid, String authorizerAppid) {
            return store.deleteAll(componentAppid, authorizerAppid);
        }
    }
}
