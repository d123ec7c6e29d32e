package io.wechatopen.camel.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import javax.sql.DataSource;

/**
 * {@link ApiBackoffStore} on {@code wechat_api_backoff}, one row per component and API. Messages are cut to 512
 * characters. {@link #update} reads the row {@code FOR UPDATE}; a concurrent first insert runs the transaction again.
 *
 * <p>Thread-safe; every call takes its own connection from the pool.
 */
public final class JdbcApiBackoffStore implements ApiBackoffStore {

    private static final int MAX_MESSAGE = 512;
    private static final String COLUMNS = "until_at, last_ms, errcode, message, quota_exhausted";
    private static final String SELECT = "SELECT " + COLUMNS
            + " FROM wechat_api_backoff WHERE component_appid = ? AND api = ?";
    private static final String LOCK = SELECT + " FOR UPDATE";
    private static final String UPDATE = "UPDATE wechat_api_backoff SET until_at = ?, last_ms = ?, errcode = ?,"
            + " message = ?, quota_exhausted = ?, updated_at = ? WHERE component_appid = ? AND api = ?";
    private static final String INSERT = "INSERT INTO wechat_api_backoff (until_at, last_ms, errcode, message,"
            + " quota_exhausted, updated_at, component_appid, api) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String DELETE = "DELETE FROM wechat_api_backoff WHERE component_appid = ? AND api = ?";
    private static final String DELETE_ALL = "DELETE FROM wechat_api_backoff WHERE component_appid = ?";

    private final DataSource dataSource;
    private final Clock clock;

    /**
     * @param dataSource a pool on a database migrated by {@link StoreMigrations}
     * @param clock gives {@code updated_at}
     */
    public JdbcApiBackoffStore(DataSource dataSource, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Optional<Backoff> find(String componentAppid, String api) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(api, "api");
        return JdbcSupport.read(dataSource, "Reading the back-off of a WeChat API",
                connection -> JdbcSupport.queryOne(connection, SELECT, s -> bindKey(s, 1, componentAppid, api),
                        JdbcApiBackoffStore::map));
    }

    @Override
    public Backoff update(String componentAppid, String api, Function<Optional<Backoff>, Backoff> next) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(next, "next");
        return JdbcSupport.inTransaction(dataSource, "Recording the back-off of a WeChat API", connection -> {
            Optional<Backoff> stored = JdbcSupport.queryOne(connection, LOCK, s -> bindKey(s, 1, componentAppid, api),
                    JdbcApiBackoffStore::map);
            Backoff given = Objects.requireNonNull(next.apply(stored), "next backoff");
            Backoff backoff = new Backoff(given.until(), given.last(), given.errcode(), cut(given.message()),
                    given.quotaExhausted());
            long now = clock.millis();
            if (stored.isPresent()) {
                JdbcSupport.execute(connection, UPDATE, s -> bind(s, backoff, now, componentAppid, api));
            } else {
                JdbcSupport.insertOrRerun(connection, INSERT, s -> bind(s, backoff, now, componentAppid, api));
            }
            return backoff;
        });
    }

    @Override
    public boolean delete(String componentAppid, String api) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(api, "api");
        return JdbcSupport.inTransaction(dataSource, "Ending the back-off of a WeChat API",
                connection -> JdbcSupport.execute(connection, DELETE, s -> bindKey(s, 1, componentAppid, api)) > 0);
    }

    @Override
    public int deleteAll(String componentAppid) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        return JdbcSupport.inTransaction(dataSource, "Ending the back-offs of a component",
                connection -> JdbcSupport.execute(connection, DELETE_ALL, s -> s.setString(1, componentAppid)));
    }

    private static Backoff map(ResultSet rs) throws SQLException {
        int errcode = rs.getInt(3);
        Integer nullableErrcode = rs.wasNull() ? null : errcode;
        return new Backoff(Instant.ofEpochMilli(rs.getLong(1)), Duration.ofMillis(rs.getLong(2)), nullableErrcode,
                rs.getString(4), rs.getInt(5) != 0);
    }

    private static void bind(PreparedStatement s, Backoff backoff, long now, String componentAppid, String api)
            throws SQLException {
        s.setLong(1, backoff.until().toEpochMilli());
        s.setLong(2, backoff.last().toMillis());
        if (backoff.errcode() == null) {
            s.setNull(3, Types.INTEGER);
        } else {
            s.setInt(3, backoff.errcode());
        }
        JdbcSupport.setNullableString(s, 4, backoff.message());
        s.setInt(5, backoff.quotaExhausted() ? 1 : 0);
        s.setLong(6, now);
        bindKey(s, 7, componentAppid, api);
    }

    private static void bindKey(PreparedStatement s, int first, String componentAppid, String api)
            throws SQLException {
        s.setString(first, componentAppid);
        s.setString(first + 1, api);
    }

    private static String cut(String message) {
        return message == null || message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE);
    }
}
