package io.wechatopen.camel.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

import io.wechatopen.camel.model.AuthorizationState;

/**
 * {@link AuthorizationStateStore} on the {@code wechat_authorization_state} table. The {@code pre_auth_code} is stored
 * as it is: it is not a secret (the browser carries it to WeChat's authorization page) and expires within minutes.
 * Times are stored to the millisecond.
 *
 * <p>Thread-safe; every call takes its own connection from the pool.
 */
public final class JdbcAuthorizationStateStore implements AuthorizationStateStore {

    /** The longest {@code return_to} that fits its column. */
    public static final int MAX_RETURN_TO_LENGTH = 2048;

    private static final String INSERT = "INSERT INTO wechat_authorization_state (state_hash, component_appid,"
            + " pre_auth_code, return_to, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)";
    private static final String CONSUME = "UPDATE wechat_authorization_state SET used_at = ?"
            + " WHERE state_hash = ? AND used_at IS NULL AND expires_at > ?";
    private static final String SELECT = "SELECT component_appid, pre_auth_code, return_to, created_at, expires_at,"
            + " used_at FROM wechat_authorization_state WHERE state_hash = ?";
    private static final String DELETE_EXPIRED = "DELETE FROM wechat_authorization_state WHERE expires_at < ?";

    private final DataSource dataSource;

    /** @param dataSource a pool on a database migrated by {@link StoreMigrations} */
    public JdbcAuthorizationStateStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when {@code returnTo} is longer than {@value #MAX_RETURN_TO_LENGTH}
     *         characters
     * @throws StoreException when the database cannot be written, also when {@code stateHash} is stored already
     *         (states are random; a repeat is a caller's bug); nothing is written then
     */
    @Override
    public void save(String stateHash, AuthorizationState state) {
        Objects.requireNonNull(stateHash, "stateHash");
        Objects.requireNonNull(state, "state");
        if (state.returnTo() != null && state.returnTo().length() > MAX_RETURN_TO_LENGTH) {
            throw new IllegalArgumentException("returnTo is longer than " + MAX_RETURN_TO_LENGTH + " characters");
        }
        JdbcSupport.inTransaction(dataSource, "Saving an authorization state",
                connection -> JdbcSupport.execute(connection, INSERT, insert -> {
                    insert.setString(1, stateHash);
                    insert.setString(2, state.componentAppid());
                    insert.setString(3, state.preAuthCode());
                    JdbcSupport.setNullableString(insert, 4, state.returnTo());
                    insert.setLong(5, state.createdAt().toEpochMilli());
                    insert.setLong(6, state.expiresAt().toEpochMilli());
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
    public Consumed consume(String stateHash, Instant now) {
        Objects.requireNonNull(stateHash, "stateHash");
        Objects.requireNonNull(now, "now");
        long at = now.toEpochMilli();
        return JdbcSupport.inTransaction(dataSource, "Consuming an authorization state", connection -> {
            // The conditional update is the arbiter: concurrent callers queue on the row lock, and every one after
            // the first finds used_at set.
            boolean consumed = JdbcSupport.execute(connection, CONSUME, update -> {
                update.setLong(1, at);
                update.setString(2, stateHash);
                update.setLong(3, at);
            }) > 0;
            return JdbcSupport.queryOne(connection, SELECT, select -> select.setString(1, stateHash), rs -> {
                if (consumed) {
                    return new Consumed(Outcome.CONSUMED, Optional.of(new AuthorizationState(rs.getString(1),
                            rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)),
                            Instant.ofEpochMilli(rs.getLong(5)))));
                }
                rs.getLong(6);
                return new Consumed(rs.wasNull() ? Outcome.EXPIRED : Outcome.ALREADY_USED, Optional.empty());
            }).orElseGet(() -> new Consumed(Outcome.UNKNOWN, Optional.empty()));
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>Used and unused states alike; a state expiring exactly at {@code before} is kept.
     *
     * @throws StoreException when the database cannot be written
     */
    @Override
    public int deleteExpired(Instant before) {
        Objects.requireNonNull(before, "before");
        return JdbcSupport.inTransaction(dataSource, "Deleting expired authorization states",
                connection -> JdbcSupport.execute(connection, DELETE_EXPIRED,
                        delete -> delete.setLong(1, before.toEpochMilli())));
    }
}
