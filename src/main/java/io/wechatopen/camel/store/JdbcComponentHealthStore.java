package io.wechatopen.camel.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

import io.wechatopen.camel.model.ComponentObservation;

/**
 * {@link ComponentHealthStore} on {@code wechat_component_health}, one row per component and outcome ({@code success}
 * or {@code error}); messages are cut to 512 characters. Thread-safe.
 */
public final class JdbcComponentHealthStore implements ComponentHealthStore {

    private static final int MAX_MESSAGE = 512;
    private static final String UPDATE = "UPDATE wechat_component_health SET at = ?, operation = ?, errcode = ?,"
            + " message = ? WHERE component_appid = ? AND outcome = ? AND at <= ?";
    private static final String EXISTS = "SELECT 1 FROM wechat_component_health"
            + " WHERE component_appid = ? AND outcome = ?";
    private static final String INSERT = "INSERT INTO wechat_component_health (component_appid, outcome, at,"
            + " operation, errcode, message) VALUES (?, ?, ?, ?, ?, ?)";
    private static final String SELECT = "SELECT at, operation, errcode, message FROM wechat_component_health"
            + " WHERE component_appid = ? AND outcome = ?";

    private final DataSource dataSource;

    /** @param dataSource a pool on a database migrated by {@link StoreMigrations} */
    public JdbcComponentHealthStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    @Override
    public void save(String componentAppid, Outcome outcome, ComponentObservation observation) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        String kind = outcome.name().toLowerCase();
        long at = observation.at().toEpochMilli();
        String message = observation.message() == null ? null
                : observation.message().length() > MAX_MESSAGE ? observation.message().substring(0, MAX_MESSAGE)
                        : observation.message();
        JdbcSupport.inTransaction(dataSource, "Recording the health of a component",
                connection -> JdbcSupport.updateOrInsert(connection, UPDATE, s -> {
                    s.setLong(1, at);
                    s.setString(2, observation.operation());
                    setNullableInt(s, 3, observation.errcode());
                    JdbcSupport.setNullableString(s, 4, message);
                    s.setString(5, componentAppid);
                    s.setString(6, kind);
                    s.setLong(7, at);
                }, EXISTS, s -> {
                    s.setString(1, componentAppid);
                    s.setString(2, kind);
                }, INSERT, s -> {
                    s.setString(1, componentAppid);
                    s.setString(2, kind);
                    s.setLong(3, at);
                    s.setString(4, observation.operation());
                    setNullableInt(s, 5, observation.errcode());
                    JdbcSupport.setNullableString(s, 6, message);
                }));
    }

    @Override
    public Optional<ComponentObservation> find(String componentAppid, Outcome outcome) {
        return JdbcSupport.read(dataSource, "Reading the health of a component",
                connection -> JdbcSupport.queryOne(connection, SELECT, s -> {
                    s.setString(1, componentAppid);
                    s.setString(2, outcome.name().toLowerCase());
                }, rs -> {
                    int errcode = rs.getInt(3);
                    Integer nullableErrcode = rs.wasNull() ? null : errcode;
                    return new ComponentObservation(Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2),
                            nullableErrcode, rs.getString(4));
                }));
    }

    private static void setNullableInt(java.sql.PreparedStatement statement, int index, Integer value)
            throws java.sql.SQLException {
        if (value == null) {
            statement.setNull(index, java.sql.Types.INTEGER);
        } else {
            statement.setInt(index, value);
        }
    }
}
