package io.wechatopen.camel.store;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

import io.wechatopen.camel.model.ComponentAccessToken;

/**
 * {@link ComponentTokenStore} on the {@code wechat_component} table. The token is sealed at rest with the context
 * {@code "wechat_component.access_token:" + componentAppid}. Saving never touches the ticket columns.
 *
 * <p>Thread-safe; every call takes its own connection from the pool.
 */
public final class JdbcComponentTokenStore implements ComponentTokenStore {

    private static final String SELECT_TOKEN = "SELECT access_token, access_token_obtained_at, access_token_expires_at"
            + " FROM wechat_component WHERE component_appid = ? AND access_token IS NOT NULL";
    private static final String UPDATE_TOKEN = "UPDATE wechat_component SET access_token = ?,"
            + " access_token_obtained_at = ?, access_token_expires_at = ?, updated_at = ?"
            + " WHERE component_appid = ? AND (access_token_expires_at IS NULL OR access_token_expires_at <= ?)";
    private static final String COMPONENT_EXISTS = "SELECT 1 FROM wechat_component WHERE component_appid = ?";
    private static final String INSERT_TOKEN = "INSERT INTO wechat_component (component_appid, access_token,"
            + " access_token_obtained_at, access_token_expires_at, updated_at) VALUES (?, ?, ?, ?, ?)";

    private static final String LOCK_TOKEN = "SELECT access_token FROM wechat_component"
            + " WHERE component_appid = ? AND access_token IS NOT NULL AND access_token_expires_at > ? FOR UPDATE";
    private static final String EXPIRE_TOKEN = "UPDATE wechat_component SET access_token_expires_at = ?,"
            + " updated_at = ? WHERE component_appid = ?";

    private static final String TAKE_LEASE = "UPDATE wechat_component SET token_lease_holder = ?,"
            + " token_lease_until = ? WHERE component_appid = ? AND (token_lease_holder IS NULL"
            + " OR token_lease_until IS NULL OR token_lease_until < ? OR token_lease_holder = ?)";
    private static final String INSERT_LEASE = "INSERT INTO wechat_component (component_appid, token_lease_holder,"
            + " token_lease_until, updated_at) VALUES (?, ?, ?, ?)";
    private static final String SAVE_LEASED_TOKEN = "UPDATE wechat_component SET access_token = ?,"
            + " access_token_obtained_at = ?, access_token_expires_at = ?, updated_at = ?, token_lease_holder = NULL,"
            + " token_lease_until = NULL WHERE component_appid = ? AND token_lease_holder = ?";
    private static final String RELEASE_LEASE = "UPDATE wechat_component SET token_lease_holder = NULL,"
            + " token_lease_until = NULL WHERE component_appid = ? AND token_lease_holder = ?";

    private final DataSource dataSource;
    private final SecretSealer sealer;
    private final Clock clock;

    /**
     * @param dataSource a pool on a database migrated by {@link StoreMigrations}
     * @param sealer seals and opens the stored token
     */
    public JdbcComponentTokenStore(DataSource dataSource, SecretSealer sealer) {
        this(dataSource, sealer, Clock.systemUTC());
    }

    /**
     * @param dataSource a pool on a database migrated by {@link StoreMigrations}
     * @param sealer seals and opens the stored token
     * @param clock gives {@code updated_at}
     */
    public JdbcComponentTokenStore(DataSource dataSource, SecretSealer sealer, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.sealer = Objects.requireNonNull(sealer, "sealer");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    static String tokenContext(String componentAppid) {
        return "wechat_component.access_token:" + componentAppid;
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code obtainedAt} and {@code expiresAt} are exact to the millisecond.
     *
     * @throws StoreException also when the stored token cannot be opened (key removed from
     *         {@code wechat.store.encryption-key}, or the value was altered or copied from another row)
     */
    @Override
    public Optional<ComponentAccessToken> findToken(String componentAppid) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        return JdbcSupport.read(dataSource, "Reading the component_access_token",
                connection -> JdbcSupport.queryOne(connection, SELECT_TOKEN, s -> s.setString(1, componentAppid),
                        rs -> new ComponentAccessToken(componentAppid,
                                sealer.open(rs.getString(1), tokenContext(componentAppid)),
                                Instant.ofEpochMilli(rs.getLong(2)), Instant.ofEpochMilli(rs.getLong(3)))));
    }

    /**
     * {@inheritDoc}
     *
     * <p>A stored token that expires at the same millisecond is replaced. The {@code wechat_component} row is created
     * when absent. Times are stored to the millisecond.
     */
    @Override
    public boolean saveToken(ComponentAccessToken token) {
        Objects.requireNonNull(token, "token");
        String appid = token.componentAppid();
        String sealed = sealer.seal(token.token(), tokenContext(appid));
        long obtainedAt = token.obtainedAt().toEpochMilli();
        long expiresAt = token.expiresAt().toEpochMilli();
        long now = clock.millis();
        return JdbcSupport.inTransaction(dataSource, "Saving the component_access_token",
                connection -> JdbcSupport.updateOrInsert(connection, UPDATE_TOKEN, update -> {
                    update.setString(1, sealed);
                    update.setLong(2, obtainedAt);
                    update.setLong(3, expiresAt);
                    update.setLong(4, now);
                    update.setString(5, appid);
                    update.setLong(6, expiresAt);
                }, COMPONENT_EXISTS, exists -> exists.setString(1, appid), INSERT_TOKEN, insert -> {
                    insert.setString(1, appid);
                    insert.setString(2, sealed);
                    insert.setLong(3, obtainedAt);
                    insert.setLong(4, expiresAt);
                    insert.setLong(5, now);
                }));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Deadlines are compared to the millisecond; a lease whose deadline equals {@code now} still runs.
     */
    @Override
    public boolean tryLease(String componentAppid, String holder, Instant now, Instant until) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(holder, "holder");
        long nowMillis = now.toEpochMilli();
        long untilMillis = until.toEpochMilli();
        long updatedAt = clock.millis();
        return JdbcSupport.inTransaction(dataSource, "Taking the component_access_token lease",
                connection -> JdbcSupport.updateOrInsert(connection, TAKE_LEASE, update -> {
                    update.setString(1, holder);
                    update.setLong(2, untilMillis);
                    update.setString(3, componentAppid);
                    update.setLong(4, nowMillis);
                    update.setString(5, holder);
                }, COMPONENT_EXISTS, exists -> exists.setString(1, componentAppid), INSERT_LEASE, insert -> {
                    insert.setString(1, componentAppid);
                    insert.setString(2, holder);
                    insert.setLong(3, untilMillis);
                    insert.setLong(4, updatedAt);
                }));
    }

    @Override
    public boolean saveLeasedToken(ComponentAccessToken token, String holder) {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(holder, "holder");
        String appid = token.componentAppid();
        String sealed = sealer.seal(token.token(), tokenContext(appid));
        long now = clock.millis();
        return JdbcSupport.inTransaction(dataSource, "Saving the component_access_token",
                connection -> JdbcSupport.execute(connection, SAVE_LEASED_TOKEN, update -> {
                    update.setString(1, sealed);
                    update.setLong(2, token.obtainedAt().toEpochMilli());
                    update.setLong(3, token.expiresAt().toEpochMilli());
                    update.setLong(4, now);
                    update.setString(5, appid);
                    update.setString(6, holder);
                }) > 0);
    }

    @Override
    public void releaseLease(String componentAppid, String holder) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(holder, "holder");
        JdbcSupport.inTransaction(dataSource, "Releasing the component_access_token lease",
                connection -> JdbcSupport.execute(connection, RELEASE_LEASE, update -> {
                    update.setString(1, componentAppid);
                    update.setString(2, holder);
                }));
    }

    /**
     * {@inheritDoc}
     *
     * <p>The row is read {@code FOR UPDATE} and its token opened and compared before the update: a token sealed twice
     * differs at rest, so the comparison cannot be made in SQL.
     */
    @Override
    public boolean expireToken(String componentAppid, String token, Instant at) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(token, "token");
        long atMillis = at.toEpochMilli();
        long now = clock.millis();
        return JdbcSupport.inTransaction(dataSource, "Expiring the component_access_token", connection -> {
            String sealed = JdbcSupport.queryOne(connection, LOCK_TOKEN, s -> {
                s.setString(1, componentAppid);
                s.setLong(2, atMillis);
            }, rs -> rs.getString(1)).orElse(null);
            if (sealed == null || !token.equals(sealer.open(sealed, tokenContext(componentAppid)))) {
                return false;
            }
            return JdbcSupport.execute(connection, EXPIRE_TOKEN, update -> {
                update.setLong(1, atMillis);
                update.setLong(2, now);
                update.setString(3, componentAppid);
            }) > 0;
        });
    }
}
