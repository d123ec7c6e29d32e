package io.wechatopen.camel.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

import io.wechatopen.camel.model.OAuthAttempt;
import io.wechatopen.camel.store.AuthorizationStateStore.Outcome;

/**
 * {@link OAuthStateStore} on the {@code wechat_oauth_state} table. Times are stored to the millisecond.
 *
 * <p>Thread-safe; every call takes its own connection from the pool.
 */
public final class JdbcOAuthStateStore implements OAuthStateStore {

    /** The longest {@code return_to} that fits its column. */
    public static final int MAX_RETURN_TO_LENGTH = 2048;

    private static final String INSERT = "INSERT INTO wechat_oauth_state (state_hash, component_appid,"
            + " authorizer_appid, scope, return_to, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String CONSUME = "UPDATE wechat_oauth_state SET used_at = ?"
            + " WHERE state_hash = ? AND authorizer_appid = ? AND used_at IS NULL AND expires_at > ?";
    private static final String SELECT = "SELECT component_appid, authorizer_appid, scope, return_to, created_at,"
            + " expires_at, used_at FROM wechat_oauth_state WHERE state_hash = ? AND authorizer_appid = ?";
    private static final String DELETE_EXPIRED = "DELETE FROM wechat_oauth_state WHERE expires_at < ?";

    private final DataSource dataSource;

    /** @param dataSource a pool on a database migrated by {@link StoreMigrations} */
    public JdbcOAuthStateStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when {@code returnTo} is longer than {@value #MAX_RETURN_TO_LENGTH}
     *         characters; nothing is written then
     * @throws StoreException when the database cannot be written, also when {@code stateHash} is stored already
     */
    @Override
    public void save(String stateHash, OAuthAttempt attempt) {
        Objects.requireNonNull(stateHash, "stateHash");
        Objects.requireNonNull(attempt, "attempt");
        if (attempt.returnTo() != null && attempt.returnTo().length() > MAX_RETURN_TO_LENGTH) {
            throw new IllegalArgumentException("returnTo is longer than " + MAX_RETURN_TO_LENGTH + " characters");
        }
        JdbcSupport.inTransaction(dataSource, "Saving an OAuth state",
                connection -> JdbcSupport.execute(connection, INSERT, insert -> {
                    insert.setString(1, stateHash);
                    insert.setString(2, attempt.componentAppid());
                    insert.setString(3, attempt.authorizerAppid());
                    insert.setString(4, attempt.scope());
                    JdbcSupport.setNullableString(insert, 5, attempt.returnTo());
                    insert.setLong(6, attempt.createdAt().toEpochMilli());
                    insert.setLong(7, attempt.expiresAt().toEpochMilli());
                }));
    }

    /**
     * {@inheritDoc}
     *
     * <p>A state is valid while {@code now} is before its {@code expiresAt}. A state both used and expired is
     * reported {@code ALREADY_USED}.
     *
     * @throws StoreException when the database cannot be written
     */
    @Override
    public Consumed consume(String stateHash, String authorizerAppid, Instant now) {
        Objects.requireNonNull(stateHash, "stateHash");
        Objects.requireNonNull(authorizerAppid, "authorizerAppid");
        Objects.requireNonNull(now, "now");
        long at = now.toEpochMilli();
        return JdbcSupport.inTransaction(dataSource, "Consuming an OAuth state", connection -> {
            // The conditional update is the arbiter: concurrent callers queue on the row lock, and every one after
            // the first finds used_at set.
            boolean consumed = JdbcSupport.execute(connection, CONSUME, update -> {
                update.setLong(1, at);
                update.setString(2, stateHash);
                update.setString(3, authorizerAppid);
                update.setLong(4, at);
            }) > 0;
            return JdbcSupport.queryOne(connection, SELECT, select -> {
                select.setString(1, stateHash);
                select.setString(2, authorizerAppid);
            }, rs -> {
                if (consumed) {
                    return new Consumed(Outcome.CONSUMED, Optional.of(new OAuthAttempt(rs.getString(1),
                            rs.getString(2), rs.getString(3), rs.getString(4), Instant.ofEpochMilli(rs.getLong(5)),
                            Instant.ofEpochMilli(rs.getLong(6)))));
                }
                rs.getLong(7);
                return new Consumed(rs.wasNull() ? Outcome.EXPIRED : Outcome.ALREADY_USED, Optional.empty());
            }).orElseGet(() -> new Consumed(Outcome.UNKNOWN, Optional.empty()));
        });
    }

    /**
     * {@inheritDoc}
     *
     * @throws StoreException when the database cannot be written
     */
    @Override
    public int deleteExpired(Instant before) {
        Objects.requireNonNull(before, "before");
        return JdbcSupport.inTransaction(dataSource, "Deleting expired OAuth states",
                connection -> JdbcSupport.execute(connection, DELETE_EXPIRED,
                        delete -> delete.setLong(1, before.toEpochMilli())));
    }
}
