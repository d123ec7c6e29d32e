package io.wechatopen.camel.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;

import com.zaxxer.hikari.HikariDataSource;

import io.wechatopen.camel.config.StoreSettings;
import io.wechatopen.camel.crypto.EncryptedPush;
import io.wechatopen.camel.model.AuthorizerRecord;
import io.wechatopen.camel.store.DataSources;
import io.wechatopen.camel.store.JdbcAuthorizerStore;
import io.wechatopen.camel.support.DetachedSandbox;
import io.wechatopen.camel.support.RunningBundle;
import io.wechatopen.camel.support.StandaloneProcess;
import io.wechatopen.camel.support.TestPushes;

/**
 * The bundle as a separate JVM ({@link StandaloneProcess}, killed with {@code kill -9} by the tests) using a WeChat
 * sandbox in the test JVM ({@link DetachedSandbox}), which outlives it, on a database the test names; plus reading
 * the bundle's rows the way it wrote them (with its store key).
 */
abstract class StandaloneKillTestSupport {

    /** The database the bundle runs on: URL, user and password. */
    record Database(String url, String user, String password) {

        /** An H2 file under {@code target/standalone-it/<name>/}, emptied first, as an operator would write it. */
        static Database h2File(String name) throws IOException {
            Path dir = RunningBundle.projectDir().resolve("target/standalone-it/" + name + "/data");
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
            // no WRITE_DELAY here: the bundle must make an operator's URL durable by itself
            return new Database("jdbc:h2:file:" + dir.resolve("wechat") + ";AUTO_SERVER=TRUE", "sa", "");
        }
    }

    protected DetachedSandbox sandbox;
    protected StandaloneProcess bundle;
    protected TestPushes pushes;
    private Database database;

    /**
     * Starts the sandbox and the bundle on {@code database}, with the given extra settings, and hands the bundle a
     * fresh ticket (so it can get a component token).
     */
    protected void start(String name, Database database, Map<String, String> settings) throws Exception {
        this.database = database;
        bundle = StandaloneProcess.create(name, Map.of());
        sandbox = DetachedSandbox.start(bundle.eventsUrl());
        pushes = sandbox.pushes();
        Map<String, String> all = new LinkedHashMap<>(sandbox.bundleSettings());
        all.put("wechat.datasource.url", database.url());
        all.put("wechat.datasource.username", database.user());
        all.put("wechat.datasource.password", database.password());
        all.putAll(settings);
        bundle.with(all).start();
    }

    @AfterEach
    void stopProcesses() throws Exception {
        if (bundle != null) {
            bundle.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    /** Pushes a ticket the sandbox minted, signed as WeChat signs it; returns the push. */
    protected PushAnswer pushTicket() throws IOException, InterruptedException {
        EncryptedPush push = pushes.ticket(sandbox.mintTicket(), Instant.now());
        HttpResponse<String> answer = bundle.post(bundle.eventsUrl() + "?" + push.queryString(), "text/xml",
                push.body());
        return new PushAnswer(push, answer);
    }

    /** A push and the bundle's answer to it. */
    record PushAnswer(EncryptedPush push, HttpResponse<String> answer) {
    }

    /**
     * Opens our {@code /authorize/start} (302 to the sandbox's page) and approves there as {@code authorizerAppid}:
     * the sandbox sends the {@code authorized} push and returns the URL of our callback the browser is sent to.
     */
    protected String approve(String authorizerAppid) throws IOException, InterruptedException {
        HttpResponse<String> start = bundle.get(bundle.baseUrl() + "/authorize/start", null);
        assertThat(start.statusCode()).as(start.body()).isEqualTo(302);
        String callback = sandbox.approve(start.headers().firstValue("Location").orElseThrow(), authorizerAppid);
        assertThat(callback).contains("/wechat/authorize/callback");
        return callback;
    }

    /** The account's row as the bundle stored it, secrets opened; read while the bundle runs. */
    protected Optional<AuthorizerRecord> authorizer(String authorizerAppid) {
        return withDatabase(dataSource -> new JdbcAuthorizerStore(dataSource, sandbox.sealer(), Clock.systemUTC())
                .find(DetachedSandbox.COMPONENT_APPID, authorizerAppid));
    }

    /** Every account's row as the bundle stored it, secrets opened; read while the bundle runs. */
    protected List<AuthorizerRecord> authorizers() {
        return withDatabase(dataSource -> new JdbcAuthorizerStore(dataSource, sandbox.sealer(), Clock.systemUTC())
                .streamAll(DetachedSandbox.COMPONENT_APPID).toList());
    }

    /** A single-number query on the bundle's database, e.g. a count. */
    protected long count(String sql, Object... parameters) {
        return withDatabase(dataSource -> {
            try (Connection connection = dataSource.getConnection();
                    PreparedStatement statement = connection.prepareStatement(sql)) {
                for (int i = 0; i < parameters.length; i++) {
                    statement.setObject(i + 1, parameters[i]);
                }
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            } catch (SQLException e) {
                throw new IllegalStateException(sql, e);
            }
        });
    }

    /** Runs an update on the bundle's database; returns the row count. */
    protected int update(String sql, Object... parameters) {
        return withDatabase(dataSource -> {
            try (Connection connection = dataSource.getConnection();
                    PreparedStatement statement = connection.prepareStatement(sql)) {
                for (int i = 0; i < parameters.length; i++) {
                    statement.setObject(i + 1, parameters[i]);
                }
                return statement.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException(sql, e);
            }
        });
    }

    /**
     * A short-lived pool on the bundle's database. For H2 it connects through the running bundle's {@code AUTO_SERVER}
     * (so call it only while the bundle runs), and it is closed before the bundle is killed.
     */
    private <T> T withDatabase(Function<HikariDataSource, T> work) {
        try (HikariDataSource dataSource = DataSources.create(new StoreSettings(database.url(), database.user(),
                database.password(), 2, Duration.ofSeconds(10), "unused"))) {
            return work.apply(dataSource);
        }
    }
}
