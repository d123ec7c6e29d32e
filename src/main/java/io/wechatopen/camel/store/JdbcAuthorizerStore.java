package io.wechatopen.camel.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import io.wechatopen.camel.model.Authorization;
import io.wechatopen.camel.model.AuthorizationChange;
import io.wechatopen.camel.model.AuthorizerRecord;
import io.wechatopen.camel.model.AuthorizerStatus;

/**
 * {@link AuthorizerStore} on the {@code wechat_authorizer} table (and {@code wechat_authorization_code} for the claim
 * that {@link #saveAuthorization} completes).
 *
 * <p>Tokens are sealed at rest with the contexts {@code "wechat_authorizer.access_token:" + componentAppid + ":" +
 * authorizerAppid} and {@code "wechat_authorizer.refresh_token:" + componentAppid + ":" + authorizerAppid}.
 * {@code func_info} is stored as a JSON array of ints ({@code [1,2,15]}), {@code info} as the given JSON text.
 *
 * <p>Ordering: {@code status_changed_at} holds the time the current status took effect. A status change
 * ({@link #saveAuthorization}, {@link #markUnauthorized}, {@link #markNeedsReauthorization},
 * {@link #restoreRefreshToken}) effective before it is ignored; one effective at the same millisecond applies. Times
 * are stored to the millisecond; {@code updated_at} comes from the clock.
 *
 * <p>Leases and back-off: {@code lease_holder} and {@code lease_until} hold the account's lease,
 * {@code refresh_failures}, {@code refresh_retry_at} and {@code refresh_error} its refresh back-off. Writing them alone
 * does not change {@code version}; a stored refresh, a new authorization and a restored refresh token reset the
 * back-off.
 *
 * <p>Thread-safe; every call takes its own connection from the pool and every write is one READ COMMITTED
 * transaction that increments {@code version} (lease and back-off writes excepted).
 */
public final class JdbcAuthorizerStore implements AuthorizerStore {

    private static final String COLUMNS = "component_appid, authorizer_appid, status, access_token,"
            + " access_token_expires_at, refresh_token, func_info, info, authorized_at, updated_at, version";
    private static final String UPDATE_SWEEP = "UPDATE wechat_authorizer_sweep SET announced_by = ?, until_at = ?"
            + " WHERE component_appid = ?";
    private static final String SWEEP_EXISTS = "SELECT 1 FROM wechat_authorizer_sweep WHERE component_appid = ?";
    private static final String INSERT_SWEEP = "INSERT INTO wechat_authorizer_sweep (component_appid, announced_by,"
            + " until_at) VALUES (?, ?, ?)";
    private static final String SWEEPS_UNDER_WAY = "SELECT component_appid FROM wechat_authorizer_sweep"
            + " WHERE until_at > ? ORDER BY component_appid";
    private static final String DELETE_SWEEP = "DELETE FROM wechat_authorizer_sweep WHERE component_appid = ?";
    private static final String COUNT_BY_STATUS = "SELECT status, COUNT(*) FROM wechat_authorizer"
            + " WHERE component_appid = ? GROUP BY status";
    private static final String COUNT_VALID_TOKEN = "SELECT COUNT(*) FROM wechat_authorizer"
            + " WHERE component_appid = ? AND status = 'AUTHORIZED' AND access_token IS NOT NULL"
            + " AND access_token_expires_at > ?";
    private static final String SELECT_ONE = "SELECT " + COLUMNS + " FROM wechat_authorizer"
            + " WHERE component_appid = ? AND authorizer_appid = ?";
    private static final String SELECT_BY_AUTHORIZER = "SELECT " + COLUMNS + " FROM wechat_authorizer"
            + " WHERE authorizer_appid = ? ORDER BY component_appid";
    private static final String SELECT_FIRST_PAGE = "SELECT " + COLUMNS + " FROM wechat_authorizer"
            + " WHERE component_appid = ? ORDER BY authorizer_appid LIMIT ?";
    private static final String SELECT_PAGE_AFTER = "SELECT " + COLUMNS + " FROM wechat_authorizer"
            + " WHERE component_appid = ? AND authorizer_appid > ? ORDER BY authorizer_appid LIMIT ?";
    private static final String SELECT_DUE = "SELECT " + COLUMNS + " FROM wechat_authorizer"
            + " WHERE component_appid = ? AND status = 'AUTHORIZED' AND refresh_token IS NOT NULL"
            + " AND (access_token IS NULL OR access_token_expires_at IS NULL OR access_token_expires_at <= ?)"
            + " ORDER BY CASE WHEN access_token IS NULL OR access_token_expires_at IS NULL THEN 0 ELSE 1 END,"
            + " COALESCE(access_token_expires_at, 0), authorizer_appid LIMIT ?";
    private static final String EXISTS = "SELECT 1 FROM wechat_authorizer"
            + " WHERE component_appid = ? AND authorizer_appid = ?";
    private static final String LOCK_ACCESS_TOKEN = "SELECT access_token FROM wechat_authorizer"
            + " WHERE component_appid = ? AND authorizer_appid = ? FOR UPDATE";
    private static final String LOCK_FOR_RESTORE = "SELECT status, refresh_token, status_changed_at"
            + " FROM wechat_authorizer WHERE component_appid = ? AND authorizer_appid = ? FOR UPDATE";
    private static final String LOCK_FOR_COMPARE = "SELECT status, refresh_token, access_token_expires_at,"
            + " lease_holder FROM wechat_authorizer WHERE component_appid = ? AND authorizer_appid = ? FOR UPDATE";
    // SKIP LOCKED (PostgreSQL 9.5+, MariaDB 10.6+, MySQL 8, H2 2.2): concurrent sweeps claim disjoint rows instead of
    // waiting for each other; the lease CAS below guards the rows all the same. Two queries, each a range of
    // ix_wechat_authorizer_expiry read in index order and stopped at the limit, so a claim costs the same with 100 or
    // 100,000 rows: first the rows without a token (no expiry: every write stores an access token together with its
    // expiry and removes both together), then the soonest expiring.
    private static final String CLAIM_FILTER = " FROM wechat_authorizer"
            + " WHERE component_appid = ? AND status = 'AUTHORIZED' AND refresh_token IS NOT NULL"
            + " AND (lease_until IS NULL OR lease_until < ?) AND (refresh_retry_at IS NULL OR refresh_retry_at <= ?)";
    private static final String CLAIM_WITHOUT_TOKEN = "SELECT " + COLUMNS + CLAIM_FILTER
            + " AND access_token_expires_at IS NULL LIMIT ? FOR UPDATE SKIP LOCKED";
    private static final String CLAIM_EXPIRING = "SELECT " + COLUMNS + CLAIM_FILTER
            + " AND access_token_expires_at <= ? ORDER BY access_token_expires_at LIMIT ? FOR UPDATE SKIP LOCKED";
    private static final String TAKE_LEASE = "UPDATE wechat_authorizer SET lease_holder = ?, lease_until = ?"
            + " WHERE component_appid = ? AND authorizer_appid = ?"
            + " AND (lease_holder IS NULL OR lease_until IS NULL OR lease_until < ? OR lease_holder = ?)";
    private static final String RELEASE_LEASE = "UPDATE wechat_authorizer SET lease_holder = NULL,"
            + " lease_until = NULL WHERE component_appid = ? AND authorizer_appid = ? AND lease_holder = ?";
    private static final String SELECT_BACKOFF = "SELECT refresh_failures, refresh_retry_at, refresh_error"
            + " FROM wechat_authorizer WHERE component_appid = ? AND authorizer_appid = ? AND refresh_failures > 0";
    private static final String RECORD_FAILURE = "UPDATE wechat_authorizer"
            + " SET refresh_failures = refresh_failures + 1, refresh_retry_at = ?, refresh_error = ?"
            + " WHERE component_appid = ? AND authorizer_appid = ?";
    private static final int MAX_ERROR_LENGTH = 512;

    private static final String UPDATE_AUTHORIZATION = "UPDATE wechat_authorizer SET status = 'AUTHORIZED',"
            + " status_changed_at = ?, access_token = ?, access_token_expires_at = ?,"
            + " refresh_token = COALESCE(?, refresh_token), func_info = ?, authorized_at = ?, updated_at = ?,"
            + " refresh_failures = 0, refresh_retry_at = NULL, refresh_error = NULL, version = version + 1"
            + " WHERE component_appid = ? AND authorizer_appid = ? AND status_changed_at <= ?";
    private static final String INSERT_AUTHORIZATION = "INSERT INTO wechat_authorizer (component_appid,"
            + " authorizer_appid, status, status_changed_at, access_token, access_token_expires_at, refresh_token,"
            + " func_info, info, authorized_at, updated_at, version)"
            + " VALUES (?, ?, 'AUTHORIZED', ?, ?, ?, ?, ?, '{}', ?, ?, 1)";
    private static final String UPDATE_CLAIM_DONE = "UPDATE wechat_authorization_code SET status = 'DONE',"
            + " authorizer_appid = ?, errcode = NULL, completed_at = ? WHERE component_appid = ? AND code_hash = ?";
    private static final String CLAIM_EXISTS = "SELECT 1 FROM wechat_authorization_code"
            + " WHERE component_appid = ? AND code_hash = ?";
    private static final String INSERT_CLAIM_DONE = "INSERT INTO wechat_authorization_code (component_appid,"
            + " code_hash, status, authorizer_appid, claimed_at, completed_at) VALUES (?, ?, 'DONE', ?, ?, ?)";
    private static final String UPDATE_REFRESHED = "UPDATE wechat_authorizer SET access_token = ?,"
            + " access_token_expires_at = ?, refresh_token = COALESCE(?, refresh_token), updated_at = ?,"
            + " refresh_failures = 0, refresh_retry_at = NULL, refresh_error = NULL,"
            + " version = version + 1 WHERE component_appid = ? AND authorizer_appid = ?";
    private static final String UPDATE_REFRESHED_UNCHANGED = "UPDATE wechat_authorizer SET access_token = ?,"
            + " access_token_expires_at = ?, refresh_token = COALESCE(?, refresh_token), updated_at = ?,"
            + " refresh_failures = 0, refresh_retry_at = NULL, refresh_error = NULL, lease_holder = NULL,"
            + " lease_until = NULL, version = version + 1 WHERE component_appid = ? AND authorizer_appid = ?"
            + " AND version = ? AND status = 'AUTHORIZED' AND lease_holder = ?";
    private static final String UPDATE_REPLACED_REFRESH_TOKEN = "UPDATE wechat_authorizer SET refresh_token = ?,"
            + " access_token = NULL, access_token_expires_at = NULL, updated_at = ?, version = version + 1"
            + " WHERE component_appid = ? AND authorizer_appid = ?";
    private static final String PURGE_ACCESS_TOKEN = "UPDATE wechat_authorizer SET access_token = NULL,"
            + " access_token_expires_at = NULL, updated_at = ?, version = version + 1"
            + " WHERE component_appid = ? AND authorizer_appid = ?";
    private static final String UPDATE_INFO = "UPDATE wechat_authorizer SET info = ?, updated_at = ?,"
            + " version = version + 1 WHERE component_appid = ? AND authorizer_appid = ?";
    private static final String UPDATE_UNAUTHORIZED = "UPDATE wechat_authorizer SET status = 'UNAUTHORIZED',"
            + " status_changed_at = ?, access_token = NULL, access_token_expires_at = NULL, refresh_token = NULL,"
            + " updated_at = ?, version = version + 1"
            + " WHERE component_appid = ? AND authorizer_appid = ? AND status_changed_at <= ?";
    /** A withdrawn account's JS-SDK tickets go with its tokens: they are signed for pages of that account. */
    private static final String DELETE_TICKETS = "DELETE FROM wechat_authorizer_ticket"
            + " WHERE component_appid = ? AND authorizer_appid = ?";
    private static final String INSERT_UNAUTHORIZED = "INSERT INTO wechat_authorizer (component_appid,"
            + " authorizer_appid, status, status_changed_at, func_info, info, updated_at, version)"
            + " VALUES (?, ?, 'UNAUTHORIZED', ?, '[]', '{}', ?, 1)";
    private static final String UPDATE_NEEDS_REAUTHORIZATION = "UPDATE wechat_authorizer"
            + " SET status = 'NEEDS_REAUTHORIZATION', status_changed_at = ?, access_token = NULL,"
            + " access_token_expires_at = NULL, updated_at = ?, version = version + 1"
            + " WHERE component_appid = ? AND authorizer_appid = ? AND status = 'AUTHORIZED'"
            + " AND status_changed_at <= ?";
    private static final String UPDATE_RESTORED = "UPDATE wechat_authorizer SET status = 'AUTHORIZED',"
            + " status_changed_at = ?, refresh_token = ?, access_token = NULL, access_token_expires_at = NULL,"
            + " refresh_failures = 0, refresh_retry_at = NULL, refresh_error = NULL,"
            + " updated_at = ?, version = version + 1 WHERE component_appid = ? AND authorizer_appid = ?";
    private static final String INSERT_RESTORED = "INSERT INTO wechat_authorizer (component_appid,"
            + " authorizer_appid, status, status_changed_at, refresh_token, func_info, info, updated_at, version)"
            + " VALUES (?, ?, 'AUTHORIZED', ?, ?, '[]', '{}', ?, 1)";

    private final DataSource dataSource;
    private final SecretSealer sealer;
    private final Clock clock;
    private final JdbcNoticeStore notices;

    /**
     * A store whose notices go to a {@link JdbcNoticeStore} of its own (no wake-up hook).
     *
     * @param dataSource a pool on a database migrated by {@link StoreMigrations}
     * @param sealer seals and opens the tokens
     * @param clock gives {@code updated_at}
     */
    public JdbcAuthorizerStore(DataSource dataSource, SecretSealer sealer, Clock clock) {
        this(dataSource, sealer, clock, new JdbcNoticeStore(dataSource, clock));
    }

    /**
     * @param dataSource a pool on a database migrated by {@link StoreMigrations}
     * @param sealer seals and opens the tokens
     * @param clock gives {@code updated_at}
     * @param notices the outbox on the same database, whose {@link JdbcNoticeStore#onWritten} hook runs after a
     *        change with a notice committed
     */
    public JdbcAuthorizerStore(DataSource dataSource, SecretSealer sealer, Clock clock, JdbcNoticeStore notices) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.sealer = Objects.requireNonNull(sealer, "sealer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.notices = Objects.requireNonNull(notices, "notices");
    }

    /** The sealing context of an authorizer's access token: binds the sealed value to its row and column. */
    static String accessTokenContext(String componentAppid, String authorizerAppid) {
        return "wechat_authorizer.access_token:" + componentAppid + ":" + authorizerAppid;
    }

    /** The sealing context of an authorizer's refresh token: binds the sealed value to its row and column. */
    static String refreshTokenContext(String componentAppid, String authorizerAppid) {
        return "wechat_authorizer.refresh_token:" + componentAppid + ":" + authorizerAppid;
    }

    @Override
    public Map<String, Long> countByStatus(String componentAppid) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        return JdbcSupport.read(dataSource, "Counting authorizers by status",
                connection -> JdbcSupport.queryList(connection, COUNT_BY_STATUS, s -> s.setString(1, componentAppid),
                        rs -> Map.entry(rs.getString(1), rs.getLong(2))))
                .stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, Long::sum, TreeMap::new));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Valid means expiring after {@code now} (no refresh skew applied); the tokens are not opened.
     *
     * @throws StoreException when the database cannot be read
     */
    @Override
    public long countWithValidToken(String componentAppid, Instant now) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(now, "now");
        return JdbcSupport.read(dataSource, "Counting authorizers with a valid token",
                connection -> JdbcSupport.queryCount(connection, COUNT_VALID_TOKEN, s -> {
                    s.setString(1, componentAppid);
                    s.setLong(2, now.toEpochMilli());
                }));
    }

    /**
     * {@inheritDoc}
     *
     * @throws StoreException when the database cannot be read, or a stored token cannot be opened (key removed from
     *         {@code wechat.store.encryption-key}, or the value was altered or copied from another row)
     */
    @Override
    public Optional<AuthorizerRecord> find(String componentAppid, String authorizerAppid) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(authorizerAppid, "authorizerAppid");
        return JdbcSupport.read(dataSource, "Reading an authorizer",
                connection -> selectOne(connection, componentAppid, authorizerAppid));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Ordered by component appid; empty when the account is unknown.
     *
     * @throws StoreException when the database cannot be read or a stored token cannot be opened
     */
    @Override
    public List<AuthorizerRecord> findByAuthorizer(String authorizerAppid) {
        Objects.requireNonNull(authorizerAppid, "authorizerAppid");
        return JdbcSupport.read(dataSource, "Reading the authorizations of an account",
                connection -> JdbcSupport.queryList(connection, SELECT_BY_AUTHORIZER,
                        s -> s.setString(1, authorizerAppid), this::map));
    }

    /**
     * {@inheritDoc}
     *
     * @throws StoreException when the database cannot be read or a stored token cannot be opened
     */
    @Override
    public List<AuthorizerRecord> findPage(String componentAppid, String after, int limit) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        return JdbcSupport.read(dataSource, "Reading the authorizers of a component",
                connection -> JdbcSupport.queryList(connection, after == null ? SELECT_FIRST_PAGE : SELECT_PAGE_AFTER,
                        s -> {
                            s.setString(1, componentAppid);
                            if (after == null) {
                                s.setInt(2, limit);
                            } else {
                                s.setString(2, after);
                                s.setInt(3, limit);
                            }
                        }, this::map));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Rows with the same expiry are ordered by authorizer appid.
     *
     * @throws IllegalArgumentException when {@code limit} is below 1
     * @throws StoreException when the database cannot be read or a stored token cannot be opened
     */
    @Override
    public List<AuthorizerRecord> findDueForRefresh(String componentAppid, Instant expiringBefore, int limit) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(expiringBefore, "expiringBefore");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        return JdbcSupport.read(dataSource, "Reading the authorizers due for a token refresh",
                connection -> JdbcSupport.queryList(connection, SELECT_DUE, s -> {
                    s.setString(1, componentAppid);
                    s.setLong(2, expiringBefore.toEpochMilli());
                    s.setInt(3, limit);
                }, this::map));
    }

    /**
     * {@inheritDoc}
     *
     * <p>An empty access token is stored as none. When a status change effective after
     * {@code authorization.authorizedAt()} is stored (for example an {@code unauthorized} push created later), the
     * authorizer row is left as it is and returned unchanged; the claim of {@code codeHash} is marked DONE all the
     * same, because the code was used. The claim becomes DONE whatever its status (a PENDING claim taken over, or
     * marked FAILED meanwhile, still ended in this exchange); a missing claim row is inserted as DONE.
     * {@code completed_at} of the claim is {@code authorizedAt}. A new row gets {@code info} {@code {}} and
     * {@code version} 1.
     *
     * @throws StoreException when the database cannot be written (for example a sealed token longer than its
     *         column); nothing is written then, neither the authorizer nor the claim
     */
    @Override
    public AuthorizerRecord saveAuthorization(Authorization authorization, String codeHash,
            AuthorizationChange notice) {
        Objects.requireNonNull(authorization, "authorization");
        String component = authorization.componentAppid();
        String authorizer = authorization.authorizerAppid();
        String accessToken = isEmpty(authorization.accessToken()) ? null
                : sealer.seal(authorization.accessToken(), accessTokenContext(component, authorizer));
        Instant expiresAt = accessToken == null ? null : authorization.accessTokenExpiresAt();
        String refreshToken = isEmpty(authorization.refreshToken()) ? null
                : sealer.seal(authorization.refreshToken(), refreshTokenContext(component, authorizer));
        String funcInfo = funcInfoJson(authorization.funcInfo());
        long authorizedAt = authorization.authorizedAt().toEpochMilli();
        long now = clock.millis();
        AuthorizerRecord saved = JdbcSupport.inTransaction(dataSource, "Saving an authorization", connection -> {
            if (codeHash != null) {
                // The claim first, the authorizer second, in every transaction that takes both: no lock cycle.
                JdbcSupport.updateOrInsert(connection, UPDATE_CLAIM_DONE, update -> {
                    update.setString(1, authorizer);
                    update.setLong(2, authorizedAt);
                    update.setString(3, component);
                    update.setString(4, codeHash);
                }, CLAIM_EXISTS, exists -> {
                    exists.setString(1, component);
                    exists.setString(2, codeHash);
                }, INSERT_CLAIM_DONE, insert -> {
                    insert.setString(1, component);
                    insert.setString(2, codeHash);
                    insert.setString(3, authorizer);
                    insert.setLong(4, authorizedAt);
                    insert.setLong(5, authorizedAt);
                });
            }
            boolean written = JdbcSupport.updateOrInsert(connection, UPDATE_AUTHORIZATION, update -> {
                update.setLong(1, authorizedAt);
                JdbcSupport.setNullableString(update, 2, accessToken);
                JdbcSupport.setNullableMillis(update, 3, expiresAt);
                JdbcSupport.setNullableString(update, 4, refreshToken);
                update.setString(5, funcInfo);
                update.setLong(6, authorizedAt);
                update.setLong(7, now);
                update.setString(8, component);
                update.setString(9, authorizer);
                update.setLong(10, authorizedAt);
            }, EXISTS, exists -> bindKey(exists, 1, component, authorizer), INSERT_AUTHORIZATION, insert -> {
                bindKey(insert, 1, component, authorizer);
                insert.setLong(3, authorizedAt);
                JdbcSupport.setNullableString(insert, 4, accessToken);
                JdbcSupport.setNullableMillis(insert, 5, expiresAt);
                JdbcSupport.setNullableString(insert, 6, refreshToken);
                insert.setString(7, funcInfo);
                insert.setLong(8, authorizedAt);
                insert.setLong(9, now);
            });
            writeNotice(connection, written, notice);
            return selectOne(connection, component, authorizer).orElseThrow(
                    () -> new StoreException("Saving an authorization failed: the row vanished"));
        });
        afterCommit(notice);
        return saved;
    }

    /** Writes the notice of a change the transaction applied. */
    private void writeNotice(Connection connection, boolean applied, AuthorizationChange notice) throws SQLException {
        if (applied && notice != null) {
            notices.insert(connection, notices.authorizationNotice(notice));
        }
    }

    private boolean afterCommit(boolean applied, AuthorizationChange notice) {
        if (applied && notice != null) {
            notices.written();
        }
        return applied;
    }

    private void afterCommit(AuthorizationChange notice) {
        afterCommit(true, notice);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The row is locked, its refresh token opened and compared with {@code startedFrom}; a stored access token
     * expiring at the same millisecond or later is kept. An empty or null {@code refreshToken} keeps the stored
     * one.
     *
     * @throws IllegalArgumentException when {@code accessToken} is empty
     * @throws StoreException when the database cannot be written or the stored refresh token cannot be opened;
     *         nothing is written then
     */
    @Override
    public boolean saveRefreshedToken(String componentAppid, String authorizerAppid, String startedFrom,
            String accessToken, Instant expiresAt, String refreshToken, String leaseHolder) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(authorizerAppid, "authorizerAppid");
        Objects.requireNonNull(startedFrom, "startedFrom");
        Objects.requireNonNull(expiresAt, "expiresAt");
        SealedRefresh sealed = sealRefreshed(componentAppid, authorizerAppid, accessToken, refreshToken);
        long now = clock.millis();
        return JdbcSupport.inTransaction(dataSource, "Saving a refreshed authorizer_access_token", connection -> {
            Optional<Locked> locked = lockForCompare(connection, componentAppid, authorizerAppid);
            if (locked.isEmpty() || !locked.get().authorizedWith(startedFrom)
                    || !locked.get().expiresBefore(expiresAt)
                    || leaseHolder != null && !leaseHolder.equals(locked.get().leaseHolder())) {
                return false;
            }
            boolean saved = JdbcSupport.execute(connection, UPDATE_REFRESHED, update -> {
                update.setString(1, sealed.accessToken());
                update.setLong(2, expiresAt.toEpochMilli());
                JdbcSupport.setNullableString(update, 3, sealed.refreshToken());
                update.setLong(4, now);
                bindKey(update, 5, componentAppid, authorizerAppid);
            }) > 0;
            if (saved && leaseHolder != null) {
                release(connection, componentAppid, authorizerAppid, leaseHolder);
            }
            return saved;
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>The row is locked and its refresh token opened and compared with {@code expected}.
     *
     * @throws StoreException when the database cannot be written or the stored refresh token cannot be opened;
     *         nothing is written then
     */
    @Override
    public boolean replaceRefreshToken(String componentAppid, String authorizerAppid, String expected,
            String replacement) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(authorizerAppid, "authorizerAppid");
        if (isEmpty(replacement)) {
            return false;
        }
        String sealed = sealer.seal(replacement, refreshTokenContext(componentAppid, authorizerAppid));
        long now = clock.millis();
        return JdbcSupport.inTransaction(dataSource, "Replacing a refused authorizer_refresh_token", connection -> {
            Optional<Locked> locked = lockForCompare(connection, componentAppid, authorizerAppid);
            if (locked.isEmpty() || !locked.get().authorizedWith(expected)) {
                return false;
            }
            return JdbcSupport.execute(connection, UPDATE_REPLACED_REFRESH_TOKEN, update -> {
                update.setString(1, sealed);
                update.setLong(2, now);
                bindKey(update, 3, componentAppid, authorizerAppid);
            }) > 0;
        });
    }

    /** The columns a compare-and-set reads under the row lock, the refresh token opened. */
    private record Locked(boolean authorized, String refreshToken, Long accessTokenExpiresAt, String leaseHolder) {

        boolean authorizedWith(String expectedRefreshToken) {
            return authorized && Objects.equals(refreshToken, isEmpty(expectedRefreshToken) ? null
                    : expectedRefreshToken);
        }

        boolean expiresBefore(Instant expiresAt) {
            return accessTokenExpiresAt == null || accessTokenExpiresAt < expiresAt.toEpochMilli();
        }
    }

    private Optional<Locked> lockForCompare(Connection connection, String componentAppid, String authorizerAppid)
            throws SQLException {
        return JdbcSupport.queryOne(connection, LOCK_FOR_COMPARE, s -> bindKey(s, 1, componentAppid, authorizerAppid),
                rs -> {
                    String sealed = rs.getString(2);
                    Instant expires = JdbcSupport.getNullableMillis(rs, 3);
                    return new Locked(AuthorizerStatus.AUTHORIZED.name().equals(rs.getString(1)),
                            sealed == null ? null : sealer.open(sealed, refreshTokenContext(componentAppid,
                                    authorizerAppid)),
                            expires == null ? null : expires.toEpochMilli(), rs.getString(4));
                });
    }

    /**
     * {@inheritDoc}
     *
     * <p>The stored token is opened and compared exactly; the row is locked meanwhile, so a token stored
     * concurrently is never purged by mistake.
     *
     * @return true when purged; false when the row is missing or holds no or another token
     * @throws StoreException when the database cannot be written or the stored token cannot be opened
     */
    @Override
    public boolean expireAccessToken(String componentAppid, String authorizerAppid, String accessToken) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(authorizerAppid, "authorizerAppid");
        Objects.requireNonNull(accessToken, "accessToken");
        long now = clock.millis();
        return JdbcSupport.inTransaction(dataSource, "Expiring an authorizer_access_token", connection -> {
            // A missing row and a row without a token read alike: nothing to purge.
            String sealed = JdbcSupport.queryOne(connection, LOCK_ACCESS_TOKEN,
                    s -> bindKey(s, 1, componentAppid, authorizerAppid), rs -> rs.getString(1)).orElse(null);
            if (sealed == null
                    || !accessToken.equals(sealer.open(sealed, accessTokenContext(componentAppid, authorizerAppid)))) {
                return false;
            }
            return JdbcSupport.execute(connection, PURGE_ACCESS_TOKEN, update -> {
                update.setLong(1, now);
                bindKey(update, 2, componentAppid, authorizerAppid);
            }) > 0;
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code infoJson} is stored as given, whatever the row's status.
     *
     * @throws StoreException when the database cannot be written; nothing is written then
     */
    @Override
    public boolean saveInfo(String componentAppid, String authorizerAppid, String infoJson) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(authorizerAppid, "authorizerAppid");
        Objects.requireNonNull(infoJson, "infoJson");
        long now = clock.millis();
        return JdbcSupport.inTransaction(dataSource, "Saving authorizer info",
                connection -> JdbcSupport.execute(connection, UPDATE_INFO, update -> {
                    update.setString(1, infoJson);
                    update.setLong(2, now);
                    bindKey(update, 3, componentAppid, authorizerAppid);
                }) > 0);
    }

    /**
     * {@inheritDoc}
     *
     * <p>An account without a row gets one (status UNAUTHORIZED, no tokens), so that an authorization effective
     * earlier and stored afterwards is ignored. A row already UNAUTHORIZED takes the later effective time. A change
     * effective at the same millisecond as the stored one applies.
     *
     * @return true when the row was written or inserted; false when a later status change is stored
     * @throws StoreException when the database cannot be written; nothing is written then
     */
    @Override
    public boolean markUnauthorized(String componentAppid, String authorizerAppid, Instant at,
            AuthorizationChange notice) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(authorizerAppid, "authorizerAppid");
        Objects.requireNonNull(at, "at");
        long effective = at.toEpochMilli();
        long now = clock.millis();
        return afterCommit(JdbcSupport.inTransaction(dataSource, "Marking an authorizer unauthorized", connection -> {
            boolean changed = JdbcSupport.updateOrInsert(connection, UPDATE_UNAUTHORIZED, update -> {
                update.setLong(1, effective);
                update.setLong(2, now);
                bindKey(update, 3, componentAppid, authorizerAppid);
                update.setLong(5, effective);
            }, EXISTS, exists -> bindKey(exists, 1, componentAppid, authorizerAppid), INSERT_UNAUTHORIZED, insert -> {
                bindKey(insert, 1, componentAppid, authorizerAppid);
                insert.setLong(3, effective);
                insert.setLong(4, now);
            });
            if (changed) {
                try (PreparedStatement delete = connection.prepareStatement(DELETE_TICKETS)) {
                    bindKey(delete, 1, componentAppid, authorizerAppid);
                    delete.executeUpdate();
                }
            }
            writeNotice(connection, changed, notice);
            return changed;
        }), notice);
    }

    /**
     * {@inheritDoc}
     *
     * <p>A change effective at the same millisecond as the stored one applies. The row is locked and its refresh
     * token compared with {@code refusedRefreshToken} first.
     *
     * @return true when changed; false when the row is missing, not AUTHORIZED, holds another refresh token, or a
     *         later status change is stored
     * @throws StoreException when the database cannot be written; nothing is written then
     */
    @Override
    public boolean markNeedsReauthorization(String componentAppid, String authorizerAppid, Instant at,
            String refusedRefreshToken, AuthorizationChange notice) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(authorizerAppid, "authorizerAppid");
        Objects.requireNonNull(at, "at");
        long effective = at.toEpochMilli();
        long now = clock.millis();
        return afterCommit(JdbcSupport.inTransaction(dataSource, "Marking an authorizer for re-authorization",
                connection -> {
                    Optional<Locked> locked = lockForCompare(connection, componentAppid, authorizerAppid);
                    if (locked.isEmpty() || !locked.get().authorizedWith(refusedRefreshToken)) {
                        return false;
                    }
                    boolean changed = JdbcSupport.execute(connection, UPDATE_NEEDS_REAUTHORIZATION, update -> {
                        update.setLong(1, effective);
                        update.setLong(2, now);
                        bindKey(update, 3, componentAppid, authorizerAppid);
                        update.setLong(5, effective);
                    }) > 0;
                    writeNotice(connection, changed, notice);
                    return changed;
                }), notice);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Exactly: a missing row is inserted AUTHORIZED (effective {@code at}, no access token, func_info {@code []},
     * info {@code {}}, no authorized_at). When {@code refreshToken} equals the stored refresh token nothing changes,
     * whatever the status: in particular a NEEDS_REAUTHORIZATION row is not revived by the very token WeChat
     * refused. An AUTHORIZED row without a refresh token (exchanged without one), and a NEEDS_REAUTHORIZATION row
     * given another token, take it whatever {@code at}. Otherwise a row whose status change is later than
     * {@code at} is left as it is, and any other row takes the
     * token, loses its access token and becomes AUTHORIZED effective {@code at}. The stored effective time never
     * moves backwards.
     *
     * @return true when the row was inserted or changed; false for a null or empty token and the cases above
     * @throws StoreException when the database cannot be written or the stored refresh token cannot be opened;
     *         nothing is written then
     */
    @Override
    public boolean restoreRefreshToken(String componentAppid, String authorizerAppid, String refreshToken,
            Instant at, AuthorizationChange notice) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(authorizerAppid, "authorizerAppid");
        Objects.requireNonNull(at, "at");
        if (isEmpty(refreshToken)) {
            return false;
        }
        String context = refreshTokenContext(componentAppid, authorizerAppid);
        String sealed = sealer.seal(refreshToken, context);
        long effective = at.toEpochMilli();
        long now = clock.millis();
        return afterCommit(
                JdbcSupport.inTransaction(dataSource, "Restoring an authorizer_refresh_token", connection -> {
                    Optional<LockedForRestore> locked = JdbcSupport.queryOne(connection, LOCK_FOR_RESTORE,
                            s -> bindKey(s, 1, componentAppid, authorizerAppid),
                            rs -> new LockedForRestore(rs.getString(1), rs.getString(2), rs.getLong(3)));
                    if (locked.isEmpty()) {
                        JdbcSupport.insertOrRerun(connection, INSERT_RESTORED, insert -> {
                            bindKey(insert, 1, componentAppid, authorizerAppid);
                            insert.setLong(3, effective);
                            insert.setString(4, sealed);
                            insert.setLong(5, now);
                        });
                        writeNotice(connection, true, notice);
                        return true;
                    }
                    String status = locked.get().status();
                    String storedSealed = locked.get().sealedRefreshToken();
                    long statusChangedAt = locked.get().statusChangedAt();
                    if (storedSealed != null && refreshToken.equals(sealer.open(storedSealed, context))) {
                        return false;
                    }
                    // An authorization exchanged without a refresh token is completed whatever the listing's time: no token
                    // is overwritten and the status does not change.
                    boolean completesAuthorization = AuthorizerStatus.AUTHORIZED.name().equals(status)
                            && storedSealed == null;
                    // WeChat lists only current authorizations: a listed token other than the refused one proves the
                    // account is authorized, however old its auth_time (issue 6, item 2).
                    boolean revives = AuthorizerStatus.NEEDS_REAUTHORIZATION.name().equals(status);
                    if (statusChangedAt > effective && !completesAuthorization && !revives) {
                        return false;
                    }
                    long changedAt = Math.max(statusChangedAt, effective);
                    boolean changed = JdbcSupport.execute(connection, UPDATE_RESTORED, update -> {
                        update.setLong(1, changedAt);
                        update.setString(2, sealed);
                        update.setLong(3, now);
                        bindKey(update, 4, componentAppid, authorizerAppid);
                    }) > 0;
                    writeNotice(connection, changed, notice);
                    return changed;
                }), notice);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Deadlines are compared to the millisecond: a lease whose deadline equals {@code now} still runs, and so does
     * a back-off. Rows locked by another transaction are skipped, not waited for.
     *
     * @throws IllegalArgumentException when {@code limit} is below 1
     * @throws StoreException when the database cannot be written or a stored token cannot be opened; nothing is
     *         claimed then
     */
    @Override
    public List<AuthorizerRecord> claimDueForRefresh(String componentAppid, Instant expiringBefore, String holder,
            Instant now, Instant leaseUntil, int limit) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(expiringBefore, "expiringBefore");
        Objects.requireNonNull(holder, "holder");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        long nowMillis = now.toEpochMilli();
        return JdbcSupport.inTransaction(dataSource, "Claiming authorizers due for a token refresh", connection -> {
            List<AuthorizerRecord> due = new ArrayList<>(JdbcSupport.queryList(connection, CLAIM_WITHOUT_TOKEN, s -> {
                s.setString(1, componentAppid);
                s.setLong(2, nowMillis);
                s.setLong(3, nowMillis);
                s.setInt(4, limit);
            }, this::map));
            if (due.size() < limit) {
                due.addAll(JdbcSupport.queryList(connection, CLAIM_EXPIRING, s -> {
                    s.setString(1, componentAppid);
                    s.setLong(2, nowMillis);
                    s.setLong(3, nowMillis);
                    s.setLong(4, expiringBefore.toEpochMilli());
                    s.setInt(5, limit - due.size());
                }, this::map));
            }
            if (due.isEmpty()) {
                return due;
            }
            // One round trip for the leases; each row is locked by this transaction and unleased, so each succeeds.
            int[] leased;
            try (PreparedStatement update = connection.prepareStatement(TAKE_LEASE)) {
                for (AuthorizerRecord row : due) {
                    update.setString(1, holder);
                    update.setLong(2, leaseUntil.toEpochMilli());
                    bindKey(update, 3, componentAppid, row.authorizerAppid());
                    update.setLong(5, nowMillis);
                    update.setString(6, holder);
                    update.addBatch();
                }
                leased = update.executeBatch();
            }
            List<AuthorizerRecord> claimed = new ArrayList<>(due.size());
            for (int i = 0; i < due.size(); i++) {
                if (leased[i] != 0) {
                    claimed.add(due.get(i));
                }
            }
            return claimed;
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>One statement in autocommit (no lock, no read): the version proves that neither the tokens nor the status
     * changed since the row was read.
     *
     * @throws IllegalArgumentException when {@code accessToken} is empty
     * @throws StoreException when the database cannot be written; nothing is written then
     */
    @Override
    public boolean saveRefreshedTokenIfUnchanged(String componentAppid, String authorizerAppid, long version,
            String leaseHolder, String accessToken, Instant expiresAt, String refreshToken) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(authorizerAppid, "authorizerAppid");
        Objects.requireNonNull(leaseHolder, "leaseHolder");
        Objects.requireNonNull(expiresAt, "expiresAt");
        SealedRefresh sealed = sealRefreshed(componentAppid, authorizerAppid, accessToken, refreshToken);
        long now = clock.millis();
        return JdbcSupport.read(dataSource, "Saving a refreshed authorizer_access_token",
                connection -> JdbcSupport.execute(connection, UPDATE_REFRESHED_UNCHANGED, update -> {
                    update.setString(1, sealed.accessToken());
                    update.setLong(2, expiresAt.toEpochMilli());
                    JdbcSupport.setNullableString(update, 3, sealed.refreshToken());
                    update.setLong(4, now);
                    bindKey(update, 5, componentAppid, authorizerAppid);
                    update.setLong(7, version);
                    update.setString(8, leaseHolder);
                }) > 0);
    }

    @Override
    public boolean tryLease(String componentAppid, String authorizerAppid, String holder, Instant now,
            Instant until) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(authorizerAppid, "authorizerAppid");
        Objects.requireNonNull(holder, "holder");
        return JdbcSupport.inTransaction(dataSource, "Taking an authorizer lease", connection -> lease(connection,
                componentAppid, authorizerAppid, holder, now.toEpochMilli(), until.toEpochMilli()));
    }

    private static boolean lease(Connection connection, String componentAppid, String authorizerAppid, String holder,
            long now, long until) throws SQLException {
        return JdbcSupport.execute(connection, TAKE_LEASE, update -> {
            update.setString(1, holder);
            update.setLong(2, until);
            bindKey(update, 3, componentAppid, authorizerAppid);
            update.setLong(5, now);
            update.setString(6, holder);
        }) > 0;
    }

    @Override
    public void releaseLease(String componentAppid, String authorizerAppid, String holder) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(authorizerAppid, "authorizerAppid");
        Objects.requireNonNull(holder, "holder");
        JdbcSupport.inTransaction(dataSource, "Releasing an authorizer lease",
                connection -> release(connection, componentAppid, authorizerAppid, holder));
    }

    private static int release(Connection connection, String componentAppid, String authorizerAppid, String holder)
            throws SQLException {
        return JdbcSupport.execute(connection, RELEASE_LEASE, update -> {
            bindKey(update, 1, componentAppid, authorizerAppid);
            update.setString(3, holder);
        });
    }

    /** {@inheritDoc} @throws StoreException when the database cannot be written */
    @Override
    public void announceSweep(String componentAppid, String holder, Instant until) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(holder, "holder");
        long untilMillis = until.toEpochMilli();
        JdbcSupport.inTransaction(dataSource, "Announcing a sweep of authorizer tokens",
                connection -> JdbcSupport.updateOrInsert(connection, UPDATE_SWEEP, update -> {
                    update.setString(1, holder);
                    update.setLong(2, untilMillis);
                    update.setString(3, componentAppid);
                }, SWEEP_EXISTS, exists -> exists.setString(1, componentAppid), INSERT_SWEEP, insert -> {
                    insert.setString(1, componentAppid);
                    insert.setString(2, holder);
                    insert.setLong(3, untilMillis);
                }));
    }

    /** {@inheritDoc} @throws StoreException when the database cannot be read */
    @Override
    public List<String> sweepsUnderway(Instant now) {
        return JdbcSupport.read(dataSource, "Reading the sweeps under way", connection -> JdbcSupport
                .queryList(connection, SWEEPS_UNDER_WAY, s -> s.setLong(1, now.toEpochMilli()), rs -> rs.getString(1)));
    }

    /** {@inheritDoc} @throws StoreException when the database cannot be written */
    @Override
    public void endSweep(String componentAppid) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        JdbcSupport.inTransaction(dataSource, "Ending a sweep of authorizer tokens",
                connection -> JdbcSupport.execute(connection, DELETE_SWEEP, s -> s.setString(1, componentAppid)));
    }

    /**
     * {@inheritDoc}
     *
     * @throws StoreException when the database cannot be read
     */
    @Override
    public Optional<RefreshBackoff> findRefreshBackoff(String componentAppid, String authorizerAppid) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(authorizerAppid, "authorizerAppid");
        return JdbcSupport.read(dataSource, "Reading an authorizer's refresh back-off",
                connection -> JdbcSupport.queryOne(connection, SELECT_BACKOFF,
                        s -> bindKey(s, 1, componentAppid, authorizerAppid), rs -> {
                            Instant retryAt = JdbcSupport.getNullableMillis(rs, 2);
                            return new RefreshBackoff(rs.getInt(1), retryAt == null ? Instant.EPOCH : retryAt,
                                    rs.getString(3));
                        }));
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code error} is cut to {@value #MAX_ERROR_LENGTH} characters. {@code version} does not change.
     *
     * @throws StoreException when the database cannot be written; nothing is written then
     */
    @Override
    public boolean recordRefreshFailure(String componentAppid, String authorizerAppid, String holder,
            Instant retryAt, String error) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(authorizerAppid, "authorizerAppid");
        Objects.requireNonNull(retryAt, "retryAt");
        String kept = error == null || error.length() <= MAX_ERROR_LENGTH ? error
                : error.substring(0, MAX_ERROR_LENGTH);
        return JdbcSupport.inTransaction(dataSource, "Recording a failed authorizer refresh", connection -> {
            boolean recorded = JdbcSupport.execute(connection, RECORD_FAILURE, update -> {
                update.setLong(1, retryAt.toEpochMilli());
                JdbcSupport.setNullableString(update, 2, kept);
                bindKey(update, 3, componentAppid, authorizerAppid);
            }) > 0;
            if (holder != null) {
                release(connection, componentAppid, authorizerAppid, holder);
            }
            return recorded;
        });
    }

    /** The columns {@link #restoreRefreshToken} reads under the row lock, the refresh token still sealed. */
    /** A refreshed access token and (null when WeChat sent none) refresh token, sealed for their row. */
    private record SealedRefresh(String accessToken, String refreshToken) {
    }

    /** Seals what a refresh returned; an empty refresh token keeps the stored one (null). */
    private SealedRefresh sealRefreshed(String componentAppid, String authorizerAppid, String accessToken,
            String refreshToken) {
        Objects.requireNonNull(accessToken, "accessToken");
        if (accessToken.isEmpty()) {
            throw new IllegalArgumentException("accessToken is empty");
        }
        return new SealedRefresh(sealer.seal(accessToken, accessTokenContext(componentAppid, authorizerAppid)),
                isEmpty(refreshToken) ? null
                        : sealer.seal(refreshToken, refreshTokenContext(componentAppid, authorizerAppid)));
    }

    private record LockedForRestore(String status, String sealedRefreshToken, long statusChangedAt) {
    }

    private Optional<AuthorizerRecord> selectOne(Connection connection, String componentAppid,
            String authorizerAppid) throws SQLException {
        return JdbcSupport.queryOne(connection, SELECT_ONE, s -> bindKey(s, 1, componentAppid, authorizerAppid),
                this::map);
    }

    private AuthorizerRecord map(ResultSet rs) throws SQLException {
        String component = rs.getString(1);
        String authorizer = rs.getString(2);
        String status = rs.getString(3);
        AuthorizerStatus parsedStatus;
        try {
            parsedStatus = AuthorizerStatus.valueOf(status);
        } catch (IllegalArgumentException e) {
            throw new StoreException("wechat_authorizer row " + component + "/" + authorizer
                    + " has the unknown status " + status);
        }
        String sealedAccess = rs.getString(4);
        Instant accessExpiresAt = JdbcSupport.getNullableMillis(rs, 5);
        String sealedRefresh = rs.getString(6);
        List<Integer> funcInfo = parseFuncInfo(rs.getString(7), component, authorizer);
        String info = rs.getString(8);
        Instant authorizedAt = JdbcSupport.getNullableMillis(rs, 9);
        Instant updatedAt = Instant.ofEpochMilli(rs.getLong(10));
        long version = rs.getLong(11);
        String accessToken = sealedAccess == null ? null
                : sealer.open(sealedAccess, accessTokenContext(component, authorizer));
        String refreshToken = sealedRefresh == null ? null
                : sealer.open(sealedRefresh, refreshTokenContext(component, authorizer));
        return new AuthorizerRecord(component, authorizer, parsedStatus, accessToken, accessExpiresAt, refreshToken,
                funcInfo, info, authorizedAt, updatedAt, version);
    }

    private static void bindKey(PreparedStatement statement, int index, String componentAppid,
            String authorizerAppid) throws SQLException {
        statement.setString(index, componentAppid);
        statement.setString(index + 1, authorizerAppid);
    }

    private static boolean isEmpty(String value) {
        return value == null || value.isEmpty();
    }

    /** {@code [1,2,15]}. */
    static String funcInfoJson(List<Integer> funcInfo) {
        return funcInfo.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
    }

    /** Parses what {@link #funcInfoJson} wrote; NULL or blank reads as no permission set. */
    static List<Integer> parseFuncInfo(String json, String componentAppid, String authorizerAppid) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        String trimmed = json.strip();
        if (!trimmed.startsWith("[") || !trimmed.endsWith("]")) {
            throw badFuncInfo(componentAppid, authorizerAppid);
        }
        String body = trimmed.substring(1, trimmed.length() - 1).strip();
        if (body.isEmpty()) {
            return List.of();
        }
        List<Integer> ids = new ArrayList<>();
        for (String id : body.split(",", -1)) {
            try {
                ids.add(Integer.valueOf(id.strip()));
            } catch (NumberFormatException e) {
                throw badFuncInfo(componentAppid, authorizerAppid);
            }
        }
        return ids;
    }

    private static StoreException badFuncInfo(String componentAppid, String authorizerAppid) {
        return new StoreException("wechat_authorizer row " + componentAppid + "/" + authorizerAppid
                + " has a func_info that is not a JSON array of integers");
    }
}
