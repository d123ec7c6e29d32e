package io.wechatopen.camel.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.zaxxer.hikari.HikariDataSource;

import io.wechatopen.camel.config.ConfigurationException;
import io.wechatopen.camel.config.StoreSettings;
import io.wechatopen.camel.store.TestDatabases.Db;
import io.wechatopen.camel.store.TestDatabases.Vendor;
import io.wechatopen.camel.support.LogCapture;

class DataSourcesTest {

    private static final String PASSWORD = "pw-Secret-4711";

    @TempDir
    Path tempDir;

    @Test
    void createWhenH2FileUrlThenParentDirectoryCreatedAndPoolConfigured() throws Exception {
        Path file = tempDir.resolve("nested/data/wechat");
        StoreSettings settings = settings("jdbc:h2:file:" + file + ";AUTO_SERVER=TRUE", 3, Duration.ofSeconds(2));

        try (HikariDataSource dataSource = DataSources.create(settings)) {
            assertThat(Files.isDirectory(tempDir.resolve("nested/data"))).isTrue();
            assertThat(dataSource.getPoolName()).isEqualTo("wechat");
            assertThat(dataSource.getMaximumPoolSize()).isEqualTo(3);
            assertThat(dataSource.getConnectionTimeout()).isEqualTo(2000);
            try (Connection connection = dataSource.getConnection()) {
                assertThat(connection.isValid(1)).isTrue();
                assertThat(connection.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
            }
            assertThat(StoreMigrations.migrate(dataSource)).isEqualTo(8);
        }
    }

    // Issue 6 item 0: a commit on an H2 file database is in the file when it returns, whatever the operator's URL says.
    @Test
    void createWhenH2FileUrlSetsWriteDelayThenEveryCommitIsWrittenAtOnceAndWarned() throws Exception {
        Path file = tempDir.resolve("delayed/wechat");
        try (LogCapture log = new LogCapture(DataSources.class.getName());
                HikariDataSource dataSource = DataSources.create(settings(
                        "jdbc:h2:file:" + file + ";WRITE_DELAY=2000;AUTO_SERVER=TRUE", 2, Duration.ofSeconds(2)));
                Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(
                        "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("0");
            assertThat(dataSource.getJdbcUrl()).endsWith(";AUTO_SERVER=TRUE;WRITE_DELAY=0")
                    .doesNotContain("WRITE_DELAY=2000");
            assertThat(log.events()).anySatisfy(e -> assertThat(e.message()).contains("WRITE_DELAY=2000")
                    .contains("{{wechat.datasource.url}}"));
            assertThat(log.events()).anySatisfy(e -> assertThat(e.message()).contains("WRITE_DELAY=0")
                    .contains("every commit is in the database file"));
        }
    }

    @Test
    void durableUrlWhenH2KeepsFilesThenWriteDelayZeroElseUnchanged() {
        assertThat(DataSources.durableUrl("jdbc:h2:file:./data/wechat;AUTO_SERVER=TRUE"))
                .isEqualTo("jdbc:h2:file:./data/wechat;AUTO_SERVER=TRUE;WRITE_DELAY=0");
        assertThat(DataSources.durableUrl("jdbc:h2:./data/wechat;write_delay=500"))
                .isEqualTo("jdbc:h2:./data/wechat;WRITE_DELAY=0");
        assertThat(DataSources.durableUrl("jdbc:h2:tcp://db/~/wechat"))
                .isEqualTo("jdbc:h2:tcp://db/~/wechat;WRITE_DELAY=0");
        assertThat(DataSources.durableUrl("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1"))
                .isEqualTo("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1");
        assertThat(DataSources.durableUrl("jdbc:postgresql://db/app")).isEqualTo("jdbc:postgresql://db/app");
    }

    // Issue 6 item 0: a server that may lose commits is named once at start.
    @Test
    void lossySettingsWhenPostgresSessionHasSynchronousCommitOffThenNamed() throws Exception {
        try (Db db = TestDatabases.empty(Vendor.POSTGRESQL)) {
            try (Connection connection = db.dataSource().getConnection()) {
                assertThat(DataSources.lossySettings(connection, "postgresql")).isEmpty();
            }
        }
        String url = TestDatabases.withParameter(Vendor.POSTGRESQL.url(), "options=-c%20synchronous_commit%3Doff");
        try (LogCapture log = new LogCapture(DataSources.class.getName());
                HikariDataSource dataSource = DataSources.create(new StoreSettings(url, Vendor.POSTGRESQL.user(),
                        Vendor.POSTGRESQL.password(), 1, Duration.ofSeconds(5), TestDatabases.TEST_KEY))) {
            assertThat(log.events()).anySatisfy(e -> assertThat(e.message()).contains("synchronous_commit=off")
                    .contains("{{wechat.datasource.url}}").doesNotContain("options"));
        }
    }

    @Test
    void lossySettingsWhenMariaDbFlushesEveryCommitThenNone() throws Exception {
        try (Db db = TestDatabases.empty(Vendor.MARIADB); Connection connection = db.dataSource().getConnection()) {
            assertThat(DataSources.lossySettings(connection, "mariadb")).isEmpty();
        }
    }

    @Test
    void createWhenServerUnreachableThenStoreExceptionNamesKeyButNotPassword() {
        StoreSettings settings = settings("jdbc:postgresql://127.0.0.1:1/wechat?password=" + PASSWORD, 2,
                Duration.ofMillis(500));

        assertThatThrownBy(() -> DataSources.create(settings)).isInstanceOf(StoreException.class)
                .hasMessageContaining("{{wechat.datasource.url}}")
                .hasMessageContaining("jdbc:postgresql://127.0.0.1:1/wechat")
                .hasMessageNotContaining(PASSWORD);
    }

    @Test
    void createWhenUrlBlankThenConfigurationExceptionNamesKey() {
        assertThatThrownBy(() -> DataSources.create(settings(" ", 2, Duration.ofSeconds(1))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("{{wechat.datasource.url}}");
    }

    @Test
    void createWhenPoolSizeZeroThenConfigurationExceptionNamesKey() {
        assertThatThrownBy(() -> DataSources.create(settings("jdbc:h2:mem:x", 0, Duration.ofSeconds(1))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("{{wechat.datasource.maximum-pool-size}}");
    }

    @Test
    void createWhenConnectionTimeoutBelow250msThenConfigurationExceptionNamesKey() {
        assertThatThrownBy(() -> DataSources.create(settings("jdbc:h2:mem:x", 2, Duration.ofMillis(100))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("{{wechat.datasource.connection-timeout}}");
    }

    @Test
    void withoutParametersWhenUrlCarriesCredentialsThenRemoved() {
        assertThat(DataSources.withoutParameters("jdbc:postgresql://db:5432/app?user=u&password=p"))
                .isEqualTo("jdbc:postgresql://db:5432/app");
        assertThat(DataSources.withoutParameters("jdbc:h2:file:./data/wechat;PASSWORD=p;AUTO_SERVER=TRUE"))
                .isEqualTo("jdbc:h2:file:./data/wechat");
        assertThat(DataSources.withoutParameters("jdbc:mariadb://u:p@db:3306/app"))
                .isEqualTo("jdbc:mariadb://db:3306/app");
    }

    private static StoreSettings settings(String url, int poolSize, Duration timeout) {
        return new StoreSettings(url, "wechat", PASSWORD, poolSize, timeout, TestDatabases.TEST_KEY);
    }
}
