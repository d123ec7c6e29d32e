package io.wechatopen.camel.jssdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.camel.ProducerTemplate;
import org.apache.camel.test.AvailablePortFinder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import io.wechatopen.camel.crypto.JsSdkSignature;
import io.wechatopen.camel.sandbox.SandboxAuthorizerTickets;
import io.wechatopen.camel.store.TestDatabases;
import io.wechatopen.camel.store.TestDatabases.Db;
import io.wechatopen.camel.store.TestDatabases.Vendor;
import io.wechatopen.camel.support.DetachedSandbox;
import io.wechatopen.camel.support.NettyLeakCheck;
import io.wechatopen.camel.support.RunningBundle;

/**
 * Two instances of the bundle on one PostgreSQL database and one WeChat sandbox: callers on both asking for the same
 * account's JS-SDK signature at once cause one getticket call in all (the ticket row's lease), and every signature
 * verifies with that ticket.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(NettyLeakCheck.class)
class PostgresTwoInstancesJsSdkTest {

    private static final String ACCOUNT = "wxjs0000000000a1";
    private static final String PAGE = "https://shop.example.com/pay?order=7";

    private Db db;
    private DetachedSandbox sandbox;
    private RunningBundle nodeA;
    private RunningBundle nodeB;

    @BeforeAll
    void startTwoInstances() throws Exception {
        db = TestDatabases.empty(Vendor.POSTGRESQL);
        int portA = AvailablePortFinder.getNextAvailable();
        sandbox = DetachedSandbox.start("http://127.0.0.1:" + portA + "/wechat/component/events");
        Map<String, String> settings = new LinkedHashMap<>(sandbox.bundleSettings());
        settings.put("wechat.datasource.url", db.url());
        settings.put("wechat.datasource.username", db.user());
        settings.put("wechat.datasource.password", db.password());
        settings.put("wechat.sandbox.enabled", "false");
        for (String schedule : new String[] {"component-token-refresh", "authorizer-token-refresh",
                "authorization-event-handle", "authorizer-reconcile"}) {
            settings.put("wechat.schedule." + schedule + ".cron", "0 0 0 1 1 ? 2099");
        }
        Map<String, String> a = new LinkedHashMap<>(settings);
        a.put("wechat.cluster.node-id", "node-a");
        a.put("wechat.http.port", String.valueOf(portA));
        a.put("wechat.http.public-url", "http://127.0.0.1:" + portA);
        nodeA = RunningBundle.start(a);
        Map<String, String> b = new LinkedHashMap<>(settings);
        b.put("wechat.cluster.node-id", "node-b");
        nodeB = RunningBundle.start(b);

        // WeChat pushes a ticket to node-a; a merchant authorizes; node-a exchanges the code and stores it
        sandbox.control("/sandbox/tickets/push", null);
        await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT COUNT(*) FROM wechat_component"
                + " WHERE verify_ticket IS NOT NULL") == 1);
        String preAuthCode = String.valueOf(sandbox.state().authorizations()
                .createPreAuthCode(DetachedSandbox.COMPONENT_APPID).get("pre_auth_code"));
        sandbox.control("/sandbox/authorizations",
                "{\"pre_auth_code\":\"" + preAuthCode + "\",\"authorizer_appid\":\"" + ACCOUNT + "\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT COUNT(*) FROM wechat_authorizer WHERE"
                + " authorizer_appid = '" + ACCOUNT + "' AND status = 'AUTHORIZED' AND access_token IS NOT NULL") == 1);
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {nodeA, nodeB, sandbox, db}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @Test
    void signatureWhenCallersOnBothInstancesAtOnceThenOneGetticketInAllAndEverySignatureVerifies()
            throws Exception {
        int perNode = 10;
        CyclicBarrier together = new CyclicBarrier(2 * perNode);
        ExecutorService executor = Executors.newFixedThreadPool(2 * perNode);
        List<Map<String, String>> configs = new ArrayList<>();
        try (ProducerTemplate onA = nodeA.context().createProducerTemplate();
                ProducerTemplate onB = nodeB.context().createProducerTemplate()) {
            List<Future<Map<String, String>>> results = new ArrayList<>();
            for (int i = 0; i < 2 * perNode; i++) {
                ProducerTemplate producer = i % 2 == 0 ? onA : onB;
                results.add(executor.submit(() -> {
                    together.await();
                    return sign(producer);
                }));
            }
            for (Future<Map<String, String>> result : results) {
                configs.add(result.get(60, TimeUnit.SECONDS));
            }
        } finally {
            executor.shutdownNow();
        }

        List<SandboxAuthorizerTickets.Issued> issued = sandbox.state().authorizerTickets().issuedTo(ACCOUNT);
        assertThat(issued).as("getticket calls from both instances").hasSize(1);
        assertThat(sandbox.calls("getticket")).isEqualTo(1);
        for (Map<String, String> config : configs) {
            assertThat(config.get("appId")).isEqualTo(ACCOUNT);
            assertThat(config.get("signature")).isEqualTo(JsSdkSignature.sign(issued.get(0).ticket(),
                    config.get("nonceStr"), config.get("timestamp"), PAGE));
        }
        assertThat(count("SELECT COUNT(*) FROM wechat_authorizer_ticket WHERE version = 1 AND lease_holder IS NULL"))
                .isEqualTo(1);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> sign(ProducerTemplate producer) {
        return producer.requestBodyAndHeader("direct:wechat-jssdk-signature", PAGE, "WeChatAuthorizerAppid", ACCOUNT,
                Map.class);
    }

    private long count(String sql) throws SQLException {
        try (Connection connection = db.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
