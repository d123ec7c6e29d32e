package io.wechatopen.camel.health;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.apache.camel.health.HealthCheckResultBuilder;

/** {@code wechat-store}: UP when a pooled connection to the database can be had and is valid. */
public final class StoreHealthCheck extends WeChatHealthCheck {

    /** The check's id. */
    public static final String ID = "wechat-store";

    private static final int VALIDATION_TIMEOUT_SECONDS = 2;

    private final DataSource dataSource;

    public StoreHealthCheck(DataSource dataSource) {
        super(ID);
        this.dataSource = dataSource;
    }

    @Override
    protected void check(HealthCheckResultBuilder builder) {
        try (Connection connection = dataSource.getConnection()) {
            if (connection.isValid(VALIDATION_TIMEOUT_SECONDS)) {
                builder.up().message("database reachable");
            } else {
                builder.down().message("database unreachable: the connection is not valid");
            }
        } catch (SQLException | RuntimeException e) {
            // The driver's message may name the JDBC URL (which may carry credentials): only the type is shown.
            builder.down().message("database unreachable (" + e.getClass().getSimpleName() + ")");
        }
    }
}
