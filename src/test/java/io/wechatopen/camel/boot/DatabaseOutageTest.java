package io.wechatopen.camel.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.zaxxer.hikari.HikariDataSource;

import io.wechatopen.camel.crypto.EncryptedPush;
import io.wechatopen.camel.support.NettyLeakCheck;
import io.wechatopen.camel.support.RunningBundle;

/**
 * The database goes away: a push is answered 500 (so WeChat pushes it again) and nothing is half-written; the
 * admin status answers 500 too instead of hanging or showing stale data.
 */
@ExtendWith(NettyLeakCheck.class)
class DatabaseOutageTest {

    @Test
    void pushWhenDatabaseUnavailableThen500AndNothingStored() throws Exception {
        String url = "jdbc:h2:mem:outage-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        Map<String, String> properties = new HashMap<>(RunningBundle.NO_SANDBOX);
        properties.put("wechat.datasource.url", url);
        try (RunningBundle bundle = RunningBundle.start(properties);
                Connection outside = DriverManager.getConnection(url, "sa", "")) {
            EncryptedPush push = bundle.pushes().ticket("ticket@@@during-outage", Instant.now());

            bundle.bean("wechatDataSource", HikariDataSource.class).close();

            HttpResponse<String> response = bundle.post(bundle.eventsUrl() + "?" + push.queryString(), "text/xml",
                    push.body());
            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(response.body()).isEqualTo("temporarily unavailable; nothing was stored")
                    .doesNotContain("ticket@@@");
            try (ResultSet rs = outside.createStatement().executeQuery(
                    "SELECT COUNT(*) FROM wechat_authorization_event")) {
                rs.next();
                assertThat(rs.getLong(1)).isZero();
            }
            assertThat(bundle.get(bundle.baseUrl() + "/admin/status", RunningBundle.ADMIN_TOKEN).statusCode())
                    .isEqualTo(500);
        }
    }
}
