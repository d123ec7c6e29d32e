package io.wechatopen.camel.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

import io.wechatopen.camel.model.AuthorizerTicket;

/**
 * {@link AuthorizerTicketStore} on table {@code wechat_authorizer_ticket} (migration V7), the ticket sealed with the
 * store key and bound to its row (component, account, type) so that a sealed value copied to another row does not
 * open. Thread-safe.
 */
public final class JdbcAuthorizerTicketStore implements AuthorizerTicketStore {

    private static final String KEY = " WHERE component_appid = ? AND authorizer_appid = ? AND ticket_type = ?";
    private static final String SELECT = "SELECT ticket, expires_at FROM wechat_authorizer_ticket" + KEY;
    private static final String TAKE_LEASE = "UPDATE wechat_authorizer_ticket SET lease_holder = ?, lease_until = ?,"
            + " updated_at = ?" + KEY + " AND (lease_holder IS NULL OR lease_until IS NULL OR lease_until < ?"
            + " OR lease_holder = ?)";
    private static final String EXISTS = "SELECT 1 FROM wechat_authorizer_ticket" + KEY;
    private static final String INSERT_LEASED = "INSERT INTO wechat_authorizer_ticket (component_appid,"
            + " authorizer_appid, ticket_type, lease_holder, lease_until, version, updated_at)"
            + " VALUES (?, ?, ?, ?, ?, 0, ?)";
    private static final String SAVE = "UPDATE wechat_authorizer_ticket SET ticket = ?, expires_at = ?,"
            + " version = version + 1, lease_holder = NULL, lease_until = NULL, updated_at = ?" + KEY
            + " AND lease_holder = ?";
    private static final String RELEASE = "UPDATE wechat_authorizer_ticket SET lease_holder = NULL,"
            + " lease_until = NULL" + KEY + " AND lease_holder = ?";
    private static final String DELETE_ALL = "DELETE FROM wechat_authorizer_ticket"
            + " WHERE component_appid = ? AND authorizer_appid = ?";

    private final DataSource dataSource;
    private final SecretSealer sealer;
    private final Clock clock;

    public JdbcAuthorizerTicketStore(DataSource dataSource, SecretSealer sealer, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.sealer = Objects.requireNonNull(sealer, "sealer");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Optional<AuthorizerTicket> find(String componentAppid, String authorizerAppid, String type) {
        return JdbcSupport.read(dataSource, "Reading an authorizer ticket",
                connection -> JdbcSupport.queryOne(connection, SELECT,
                        select -> bindKey(select, 1, componentAppid, authorizerAppid, type), row -> {
                            String sealed = row.getString(1);
                            Instant expiresAt = JdbcSupport.getNullableMillis(row, 2);
                            return sealed == null || expiresAt == null ? null
                                    : new AuthorizerTicket(componentAppid, authorizerAppid, type,
                                            sealer.open(sealed, context(componentAppid, authorizerAppid, type)),
                                            expiresAt);
                        }));
    }

    @Override
    public boolean tryLease(String componentAppid, String authorizerAppid, String type, String holder, Instant now,
            Instant until) {
        Objects.requireNonNull(holder, "holder");
        long updatedAt = clock.millis();
        return JdbcSupport.inTransaction(dataSource, "Taking an authorizer ticket lease",
                connection -> JdbcSupport.updateOrInsert(connection, TAKE_LEASE, update -> {
                    update.setString(1, holder);
                    update.setLong(2, until.toEpochMilli());
                    update.setLong(3, updatedAt);
                    bindKey(update, 4, componentAppid, authorizerAppid, type);
                    update.setLong(7, now.toEpochMilli());
                    update.setString(8, holder);
                }, EXISTS, exists -> bindKey(exists, 1, componentAppid, authorizerAppid, type), INSERT_LEASED,
                        insert -> {
                            bindKey(insert, 1, componentAppid, authorizerAppid, type);
                            insert.setString(4, holder);
                            insert.setLong(5, until.toEpochMilli());
                            insert.setLong(6, updatedAt);
                        }));
    }

    @Override
    public boolean saveUnderLease(AuthorizerTicket ticket, String holder) {
        Objects.requireNonNull(holder, "holder");
        String sealed = sealer.seal(ticket.ticket(),
                context(ticket.componentAppid(), ticket.authorizerAppid(), ticket.type()));
        long updatedAt = clock.millis();
        return JdbcSupport.inTransaction(dataSource, "Saving an authorizer ticket",
                connection -> execute(connection, SAVE, update -> {
                    update.setString(1, sealed);
                    update.setLong(2, ticket.expiresAt().toEpochMilli());
                    update.setLong(3, updatedAt);
                    bindKey(update, 4, ticket.componentAppid(), ticket.authorizerAppid(), ticket.type());
                    update.setString(7, holder);
                }) > 0);
    }

    @Override
    public void releaseLease(String componentAppid, String authorizerAppid, String type, String holder) {
        Objects.requireNonNull(holder, "holder");
        JdbcSupport.inTransaction(dataSource, "Releasing an authorizer ticket lease",
                connection -> execute(connection, RELEASE, update -> {
                    bindKey(update, 1, componentAppid, authorizerAppid, type);
                    update.setString(4, holder);
                }));
    }

    @Override
    public int deleteAll(String componentAppid, String authorizerAppid) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(authorizerAppid, "authorizerAppid");
        return JdbcSupport.inTransaction(dataSource, "Deleting authorizer tickets",
                connection -> execute(connection, DELETE_ALL, delete -> {
                    delete.setString(1, componentAppid);
                    delete.setString(2, authorizerAppid);
                }));
    }

    private static int execute(Connection connection, String sql, JdbcSupport.Binder binder) throws SQLException {
        return JdbcSupport.execute(connection, sql, binder);
    }

    private static void bindKey(PreparedStatement statement, int first, String componentAppid, String authorizerAppid,
            String type) throws SQLException {
        statement.setString(first, Objects.requireNonNull(componentAppid, "componentAppid"));
        statement.setString(first + 1, Objects.requireNonNull(authorizerAppid, "authorizerAppid"));
        statement.setString(first + 2, Objects.requireNonNull(type, "type"));
    }

    /** Binds a sealed ticket to its row. */
    private static String context(String componentAppid, String authorizerAppid, String type) {
        return "wechat_authorizer_ticket.ticket:" + componentAppid + "/" + authorizerAppid + "/" + type;
    }
}
