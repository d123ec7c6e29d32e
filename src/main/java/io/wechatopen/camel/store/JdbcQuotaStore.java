package io.wechatopen.camel.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import javax.sql.DataSource;

import io.wechatopen.camel.model.QuotaReading;

/**
 * {@link QuotaStore} on {@code wechat_quota_reset} and {@code wechat_quota_reading}. The reset counter's
 * compare-and-set is one conditional update ({@code used < budget}), or the insert of the month's first row; two
 * instances inserting that row at once rerun the loser's transaction, which then takes the update path. Thread-safe.
 */
public final class JdbcQuotaStore implements QuotaStore {

    private static final int MAX_MESSAGE = 512;

    private static final String KEY = " WHERE component_appid = ? AND target_appid = ? AND reset_month = ?";
    private static final String RESERVE = "UPDATE wechat_quota_reset SET used = used + 1, updated_at = ?" + KEY
            + " AND used < ?";
    private static final String RESET_EXISTS = "SELECT 1 FROM wechat_quota_reset" + KEY;
    private static final String INSERT_RESET = "INSERT INTO wechat_quota_reset (component_appid, target_appid,"
            + " reset_month, used, updated_at) VALUES (?, ?, ?, ?, ?)";
    private static final String RELEASE = "UPDATE wechat_quota_reset SET used = used - 1, updated_at = ?" + KEY
            + " AND used > 0";
    private static final String SPEND = "UPDATE wechat_quota_reset SET used = ?, updated_at = ?" + KEY
            + " AND used < ?";
    private static final String USED = "SELECT used FROM wechat_quota_reset" + KEY;
    private static final String READING_KEY = " WHERE component_appid = ? AND cgi_path = ?";
    private static final String UPDATE_READING = "UPDATE wechat_quota_reading SET daily_limit = ?, used = ?,"
            + " remain = ?, read_at = ?, checked_at = ?, errcode = NULL, message = NULL" + READING_KEY;
    private static final String READING_EXISTS = "SELECT 1 FROM wechat_quota_reading" + READING_KEY;
    private static final String INSERT_READING = "INSERT INTO wechat_quota_reading (component_appid, cgi_path,"
            + " daily_limit, used, remain, read_at, checked_at, errcode, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE_FAILED = "UPDATE wechat_quota_reading SET checked_at = ?, errcode = ?,"
            + " message = ?" + READING_KEY;
    private static final String SELECT_READINGS = "SELECT component_appid, cgi_path, daily_limit, used, remain,"
            + " read_at, checked_at, errcode, message FROM wechat_quota_reading WHERE component_appid = ?"
            + " ORDER BY cgi_path";

    private final DataSource dataSource;

    /** @param dataSource a pool on a database migrated by {@link StoreMigrations} */
    public JdbcQuotaStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    @Override
    public boolean reserveReset(String componentAppid, String targetAppid, String month, int budget, Instant now) {
        if (budget < 1) {
            return false;
        }
        return JdbcSupport.inTransaction(dataSource, "Counting a quota reset",
                connection -> JdbcSupport.updateOrInsert(connection, RESERVE, s -> {
                    s.setLong(1, now.toEpochMilli());
                    bindKey(s, 2, componentAppid, targetAppid, month);
                    s.setInt(5, budget);
                }, RESET_EXISTS, s -> bindKey(s, 1, componentAppid, targetAppid, month), INSERT_RESET, s -> {
                    bindKey(s, 1, componentAppid, targetAppid, month);
                    s.setInt(4, 1);
                    s.setLong(5, now.toEpochMilli());
                }));
    }

    @Override
    public void releaseReset(String componentAppid, String targetAppid, String month, Instant now) {
        JdbcSupport.inTransaction(dataSource, "Giving back a quota reset",
                connection -> JdbcSupport.execute(connection, RELEASE, s -> {
                    s.setLong(1, now.toEpochMilli());
                    bindKey(s, 2, componentAppid, targetAppid, month);
                }));
    }

    @Override
    public void markResetsSpent(String componentAppid, String targetAppid, String month, int budget, Instant now) {
        JdbcSupport.inTransaction(dataSource, "Marking the quota resets spent",
                connection -> JdbcSupport.updateOrInsert(connection, SPEND, s -> {
                    s.setInt(1, budget);
                    s.setLong(2, now.toEpochMilli());
                    bindKey(s, 3, componentAppid, targetAppid, month);
                    s.setInt(6, budget);
                }, RESET_EXISTS, s -> bindKey(s, 1, componentAppid, targetAppid, month), INSERT_RESET, s -> {
                    bindKey(s, 1, componentAppid, targetAppid, month);
                    s.setInt(4, budget);
                    s.setLong(5, now.toEpochMilli());
                }));
    }

    @Override
    public int resetsUsed(String componentAppid, String targetAppid, String month) {
        return JdbcSupport.read(dataSource, "Reading the quota resets used",
                connection -> JdbcSupport.queryOne(connection, USED,
                        s -> bindKey(s, 1, componentAppid, targetAppid, month), rs -> rs.getInt(1)).orElse(0));
    }

    @Override
    public void saveReading(String componentAppid, String cgiPath, long dailyLimit, long used, long remain,
            Instant at) {
        JdbcSupport.inTransaction(dataSource, "Storing a quota reading",
                connection -> JdbcSupport.updateOrInsert(connection, UPDATE_READING, s -> {
                    s.setLong(1, dailyLimit);
                    s.setLong(2, used);
                    s.setLong(3, remain);
                    s.setLong(4, at.toEpochMilli());
                    s.setLong(5, at.toEpochMilli());
                    s.setString(6, componentAppid);
                    s.setString(7, cgiPath);
                }, READING_EXISTS, s -> {
                    s.setString(1, componentAppid);
                    s.setString(2, cgiPath);
                }, INSERT_READING, s -> {
                    s.setString(1, componentAppid);
                    s.setString(2, cgiPath);
                    s.setLong(3, dailyLimit);
                    s.setLong(4, used);
                    s.setLong(5, remain);
                    s.setLong(6, at.toEpochMilli());
                    s.setLong(7, at.toEpochMilli());
                    s.setNull(8, Types.INTEGER);
                    s.setNull(9, Types.VARCHAR);
                }));
    }

    @Override
    public void saveFailedReading(String componentAppid, String cgiPath, int errcode, String message, Instant at) {
        String text = message == null ? null : message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE)
                : message;
        JdbcSupport.inTransaction(dataSource, "Storing a failed quota reading",
                connection -> JdbcSupport.updateOrInsert(connection, UPDATE_FAILED, s -> {
                    s.setLong(1, at.toEpochMilli());
                    s.setInt(2, errcode);
                    JdbcSupport.setNullableString(s, 3, text);
                    s.setString(4, componentAppid);
                    s.setString(5, cgiPath);
                }, READING_EXISTS, s -> {
                    s.setString(1, componentAppid);
                    s.setString(2, cgiPath);
                }, INSERT_READING, s -> {
                    s.setString(1, componentAppid);
                    s.setString(2, cgiPath);
                    s.setNull(3, Types.BIGINT);
                    s.setNull(4, Types.BIGINT);
                    s.setNull(5, Types.BIGINT);
                    s.setNull(6, Types.BIGINT);
                    s.setLong(7, at.toEpochMilli());
                    s.setInt(8, errcode);
                    JdbcSupport.setNullableString(s, 9, text);
                }));
    }

    @Override
    public List<QuotaReading> readings(String componentAppid) {
        return JdbcSupport.read(dataSource, "Reading the quota readings",
                connection -> JdbcSupport.queryList(connection, SELECT_READINGS, s -> s.setString(1, componentAppid),
                        JdbcQuotaStore::reading));
    }

    private static void bindKey(PreparedStatement s, int first, String componentAppid, String targetAppid,
            String month) throws SQLException {
        s.setString(first, componentAppid);
        s.setString(first + 1, targetAppid);
        s.setString(first + 2, month);
    }

    private static QuotaReading reading(ResultSet rs) throws SQLException {
        return new QuotaReading(rs.getString(1), rs.getString(2), nullableLong(rs, 3), nullableLong(rs, 4),
                nullableLong(rs, 5), JdbcSupport.getNullableMillis(rs, 6), Instant.ofEpochMilli(rs.getLong(7)),
                nullableInt(rs, 8), rs.getString(9));
    }

    private static Long nullableLong(ResultSet rs, int index) throws SQLException {
        long value = rs.getLong(index);
        return rs.wasNull() ? null : value;
    }

    private static Integer nullableInt(ResultSet rs, int index) throws SQLException {
        int value = rs.getInt(index);
        return rs.wasNull() ? null : value;
    }
}
