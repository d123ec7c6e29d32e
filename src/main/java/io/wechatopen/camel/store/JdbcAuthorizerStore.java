package io.wechatopen.camel.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import javax.sql.DataSource;

/**
 * {@link AuthorizerStore} on the {@code wechat_authorizer} table. Thread-safe; every call takes its own connection.
 */
public final class JdbcAuthorizerStore implements AuthorizerStore {

    private static final String COUNT_BY_STATUS = "SELECT status, COUNT(*) FROM wechat_authorizer"
            + " WHERE component_appid = ? GROUP BY status";

    private final DataSource dataSource;

    /** @param dataSource a pool on a database migrated by {@link StoreMigrations} */
    public JdbcAuthorizerStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    @Override
    public Map<String, Long> countByStatus(String componentAppid) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        return JdbcSupport.read(dataSource, "Counting authorizers by status", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(COUNT_BY_STATUS)) {
                statement.setString(1, componentAppid);
                try (ResultSet rs = statement.executeQuery()) {
                    Map<String, Long> counts = new TreeMap<>();
                    while (rs.next()) {
                        counts.put(rs.getString(1), rs.getLong(2));
                    }
                    return counts;
                }
            }
        });
    }
}
