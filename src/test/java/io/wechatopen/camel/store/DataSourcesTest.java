package io.wechatopen.camel.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.wechatopen.camel.config.ConfigurationException;
import io.wechatopen.camel.config.StoreSettings;

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
            assertThat(StoreMigrations.migrate(dataSource)).isEqualTo(2);
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
