package io.wechatopen.camel.health;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

import io.wechatopen.camel.store.JdbcPushStore;
import io.wechatopen.camel.store.StoreException;

/** Counts the FAILED rows of {@code wechat_authorization_event} of a component (read only). */
public final class FailedEventCounter {

    private static final String COUNT_FAILED = "SELECT COUNT(*) FROM wechat_authorization_event"
            + " WHERE component_appid = ? AND status = ?";

    private final DataSource dataSource;

    public FailedEventCounter(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** @throws StoreException when the database cannot be read */
    public long count(String componentAppid) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(COUNT_FAILED)) {
            statement.setString(1, componentAppid);
            statement.setString(2, JdbcPushStore.STATUS_FAILED);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot count failed events", e);
        }
    }
}
