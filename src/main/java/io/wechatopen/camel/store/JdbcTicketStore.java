package io.wechatopen.camel.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

import io.wechatopen.camel.model.ComponentVerifyTicket;

/**
 * {@link TicketStore} on the {@code wechat_component} table. The ticket is sealed at rest with the context
 * {@code "wechat_component.verify_ticket:" + componentAppid}; {@link JdbcPushStore} writes it.
 *
 * <p>Thread-safe; every call takes its own connection from the pool.
 */
public final class JdbcTicketStore implements TicketStore {

    private static final String SELECT_TICKET = "SELECT verify_ticket, ticket_create_time, ticket_received_at"
            + " FROM wechat_component WHERE component_appid = ? AND verify_ticket IS NOT NULL";

    private final DataSource dataSource;
    private final SecretSealer sealer;

    /**
     * @param dataSource a pool on a database migrated by {@link StoreMigrations}
     * @param sealer opens the stored ticket
     */
    public JdbcTicketStore(DataSource dataSource, SecretSealer sealer) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.sealer = Objects.requireNonNull(sealer, "sealer");
    }

    /** The sealing context of the ticket of {@code componentAppid}: binds the sealed value to its row and column. */
    static String ticketContext(String componentAppid) {
        return "wechat_component.verify_ticket:" + componentAppid;
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code createTime} and {@code receivedAt} are exact to the millisecond.
     *
     * @throws StoreException also when the stored ticket cannot be opened (key removed from
     *         {@code wechat.store.encryption-key}, or the value was altered or copied from another row)
     */
    @Override
    public Optional<ComponentVerifyTicket> findTicket(String componentAppid) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        return JdbcSupport.read(dataSource, "Reading the component_verify_ticket",
                connection -> JdbcSupport.queryOne(connection, SELECT_TICKET, s -> s.setString(1, componentAppid),
                        rs -> new ComponentVerifyTicket(componentAppid,
                                sealer.open(rs.getString(1), ticketContext(componentAppid)),
                                Instant.ofEpochMilli(rs.getLong(2)), Instant.ofEpochMilli(rs.getLong(3)))));
    }
}
