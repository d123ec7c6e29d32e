package io.wechatopen.camel.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

/**
 * {@link AuthorizationCodeStore} on the {@code wechat_authorization_code} table, whose primary key (component appid,
 * code hash) decides which caller exchanges a code. {@link JdbcAuthorizerStore#saveAuthorization} marks a claim DONE.
 * Times are stored to the millisecond.
 *
 * <p>Thread-safe; every call takes its own connection from the pool.
 */
public final class JdbcAuthorizationCodeStore implements AuthorizationCodeStore {

    /** A claim vanishing between a failed insert and the read that follows can only repeat so often. */
    private static final int MAX_CLAIM_ROUNDS = 5;

    private static final String INSERT_PENDING = "INSERT INTO wechat_authorization_code (component_appid, code_hash,"
            + " status, claimed_at) VALUES (?, ?, 'PENDING', ?)";
    private static final String SELECT = "SELECT status, authorizer_appid, errcode, claimed_at"
            + " FROM wechat_authorization_code WHERE component_appid = ? AND code_hash = ?";
    private static final String TAKE_OVER = "UPDATE wechat_authorization_code SET status = 'UNKNOWN',"
            + " claimed_at = ? WHERE component_appid = ? AND code_hash = ? AND status = 'PENDING' AND claimed_at = ?";
    private static final String FAIL = "UPDATE wechat_authorization_code SET status = 'FAILED', errcode = ?,"
            + " completed_at = ? WHERE component_appid = ? AND code_hash = ? AND status IN ('PENDING', 'UNKNOWN')";
    private static final String MARK_UNKNOWN = "UPDATE wechat_authorization_code SET status = 'UNKNOWN'"
            + " WHERE component_appid = ? AND code_hash = ? AND status = 'PENDING'";
    private static final String RELEASE = "DELETE FROM wechat_authorization_code"
            + " WHERE component_appid = ? AND code_hash = ? AND status = 'PENDING' AND claimed_at = ?";

    private final DataSource dataSource;

    /** @param dataSource a pool on a database migrated by {@link StoreMigrations} */
    public JdbcAuthorizationCodeStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * {@inheritDoc}
     *
     * <p>A claim is stale when {@code now} is more than {@code staleAfter} after its {@code claimedAt}; a stale
     * PENDING claim becomes UNKNOWN with {@code claimedAt} set to {@code now}, conditional on the {@code claimedAt}
     * read, so concurrent callers that found it all get it as UNKNOWN afterwards. Other claims are returned as they
     * are.
     *
     * @return empty when the caller now holds the claim and must exchange the code; otherwise the existing claim
     * @throws IllegalArgumentException when {@code staleAfter} is negative
     * @throws StoreException when the database cannot be written
     */
    @Override
    public Optional<Claim> claim(String componentAppid, String codeHash, Instant now, Duration staleAfter) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(codeHash, "codeHash");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(staleAfter, "staleAfter");
        if (staleAfter.isNegative()) {
            throw new IllegalArgumentException("staleAfter is negative");
        }
        long at = now.toEpochMilli();
        // Each statement in its own transaction (autocommit): a failed insert does not abort the reads that follow
        // on PostgreSQL, and holds no lock afterwards on MariaDB.
        return JdbcSupport.read(dataSource, "Claiming an authorization code", connection -> {
            if (!connection.getAutoCommit()) {
                connection.setAutoCommit(true);
            }
            for (int round = 1;; round++) {
                try {
                    JdbcSupport.execute(connection, INSERT_PENDING, insert -> {
                        insert.setString(1, componentAppid);
                        insert.setString(2, codeHash);
                        insert.setLong(3, at);
                    });
                    return Optional.empty();
                } catch (SQLException e) {
                    if (!JdbcSupport.isIntegrityViolation(e)) {
                        throw e;
                    }
                }
                Optional<Claim> existing = select(connection, componentAppid, codeHash);
                if (existing.isPresent()) {
                    Claim claim = existing.get();
                    if (claim.status() != Status.PENDING || !isStale(claim, now, staleAfter)) {
                        return existing;
                    }
                    // Conditional on the claimed_at that was read: only one of the callers who saw it wins.
                    int taken = JdbcSupport.execute(connection, TAKE_OVER, update -> {
                        update.setLong(1, at);
                        update.setString(2, componentAppid);
                        update.setString(3, codeHash);
                        update.setLong(4, claim.claimedAt().toEpochMilli());
                    });
                    if (taken > 0) {
                        return Optional.of(new Claim(componentAppid, codeHash, Status.UNKNOWN, null, null, now));
                    }
                    existing = select(connection, componentAppid, codeHash);
                    if (existing.isPresent()) {
                        return existing;
                    }
                }
                if (round >= MAX_CLAIM_ROUNDS) {
                    throw new SQLException("claim row of an authorization code kept vanishing", "40001");
                }
            }
        });
    }

    private static boolean isStale(Claim claim, Instant now, Duration staleAfter) {
        return claim.claimedAt().plus(staleAfter).isBefore(now);
    }

    /**
     * {@inheritDoc}
     *
     * @throws StoreException when the database cannot be read
     */
    @Override
    public Optional<Claim> find(String componentAppid, String codeHash) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(codeHash, "codeHash");
        return JdbcSupport.read(dataSource, "Reading an authorization code claim",
                connection -> select(connection, componentAppid, codeHash));
    }

    /**
     * {@inheritDoc}
     *
     * <p>A DONE or FAILED claim, or none, is left as it is.
     *
     * @throws StoreException when the database cannot be written
     */
    @Override
    public void fail(String componentAppid, String codeHash, Integer errcode, Instant at) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(codeHash, "codeHash");
        Objects.requireNonNull(at, "at");
        JdbcSupport.inTransaction(dataSource, "Marking an authorization code claim failed",
                connection -> JdbcSupport.execute(connection, FAIL, update -> {
                    if (errcode == null) {
                        update.setNull(1, Types.INTEGER);
                    } else {
                        update.setInt(1, errcode);
                    }
                    update.setLong(2, at.toEpochMilli());
                    update.setString(3, componentAppid);
                    update.setString(4, codeHash);
                }));
    }

    /**
     * {@inheritDoc}
     *
     * @throws StoreException when the database cannot be written
     */
    @Override
    public void markUnknown(String componentAppid, String codeHash, Instant at) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(codeHash, "codeHash");
        JdbcSupport.inTransaction(dataSource, "Marking an authorization code claim unknown",
                connection -> JdbcSupport.execute(connection, MARK_UNKNOWN, update -> {
                    update.setString(1, componentAppid);
                    update.setString(2, codeHash);
                }));
    }

    /**
     * {@inheritDoc}
     *
     * @throws StoreException when the database cannot be written
     */
    @Override
    public void release(String componentAppid, String codeHash, Instant claimedAt) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(codeHash, "codeHash");
        Objects.requireNonNull(claimedAt, "claimedAt");
        JdbcSupport.inTransaction(dataSource, "Releasing an authorization code claim",
                connection -> JdbcSupport.execute(connection, RELEASE, delete -> {
                    delete.setString(1, componentAppid);
                    delete.setString(2, codeHash);
                    delete.setLong(3, claimedAt.toEpochMilli());
                }));
    }

    private static Optional<Claim> select(Connection connection, String componentAppid, String codeHash)
            throws SQLException {
        return JdbcSupport.queryOne(connection, SELECT, statement -> {
            statement.setString(1, componentAppid);
            statement.setString(2, codeHash);
        }, rs -> {
            Status status;
            try {
                status = Status.valueOf(rs.getString(1));
            } catch (IllegalArgumentException e) {
                throw new StoreException("wechat_authorization_code row of " + componentAppid
                        + " has the unknown status " + rs.getString(1));
            }
            String authorizerAppid = rs.getString(2);
            int errcode = rs.getInt(3);
            Integer errcodeOrNull = rs.wasNull() ? null : errcode;
            return new Claim(componentAppid, codeHash, status, authorizerAppid, errcodeOrNull,
                    Instant.ofEpochMilli(rs.getLong(4)));
        });
    }
}
