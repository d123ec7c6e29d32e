package io.wechatopen.camel.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.util.Objects;
import java.util.UUID;

import javax.sql.DataSource;

import io.wechatopen.camel.model.ComponentPush;
import io.wechatopen.camel.model.ReceivedPush;

/**
 * {@link PushStore} on the {@code wechat_authorization_event} and {@code wechat_component} tables.
 *
 * <p>Each push becomes one event row with a random UUID, status {@value #STATUS_RECEIVED}, and the decrypted XML
 * sealed with the context {@code "wechat_authorization_event.payload:" + componentAppid} (it holds tickets and
 * authorization codes). A {@code component_verify_ticket} push also replaces the component's ticket, sealed as
 * {@link JdbcTicketStore} reads it, when its {@code CreateTime} is later than the stored one's.
 *
 * <p>Thread-safe; every call takes its own connection from the pool.
 */
public final class JdbcPushStore implements PushStore {

    /** The status of a recorded push that was not processed yet. */
    public static final String STATUS_RECEIVED = "RECEIVED";

    /** The field of a ticket push that holds the ticket. */
    public static final String TICKET_FIELD = "ComponentVerifyTicket";

    private static final String INSERT_EVENT = "INSERT INTO wechat_authorization_event (id, component_appid,"
            + " info_type, authorizer_appid, create_time, received_at, msg_signature, push_timestamp, push_nonce,"
            + " payload, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE_TICKET = "UPDATE wechat_component SET verify_ticket = ?,"
            + " ticket_create_time = ?, ticket_received_at = ?, updated_at = ?"
            + " WHERE component_appid = ? AND (ticket_create_time IS NULL OR ticket_create_time < ?)";
    private static final String COMPONENT_EXISTS = "SELECT 1 FROM wechat_component WHERE component_appid = ?";
    private static final String INSERT_TICKET = "INSERT INTO wechat_component (component_appid, verify_ticket,"
            + " ticket_create_time, ticket_received_at, updated_at) VALUES (?, ?, ?, ?, ?)";
    private static final String COUNT_EVENTS = "SELECT COUNT(*) FROM wechat_authorization_event"
            + " WHERE component_appid = ?";

    private final DataSource dataSource;
    private final SecretSealer sealer;
    private final Clock clock;

    /**
     * @param dataSource a pool on a database migrated by {@link StoreMigrations}
     * @param sealer seals the payload and the ticket
     */
    public JdbcPushStore(DataSource dataSource, SecretSealer sealer) {
        this(dataSource, sealer, Clock.systemUTC());
    }

    /**
     * @param dataSource a pool on a database migrated by {@link StoreMigrations}
     * @param sealer seals the payload and the ticket
     * @param clock gives {@code wechat_component.updated_at}
     */
    public JdbcPushStore(DataSource dataSource, SecretSealer sealer, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.sealer = Objects.requireNonNull(sealer, "sealer");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    static String payloadContext(String componentAppid) {
        return "wechat_authorization_event.payload:" + componentAppid;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Of two tickets with the same {@code CreateTime} the one stored first is kept. Times are stored to the
     * millisecond.
     *
     * @return {@link Outcome#TICKET_STORED} or {@link Outcome#TICKET_OLDER_KEPT_NEWER} for a ticket push,
     *         {@link Outcome#EVENT_STORED} for any other
     * @throws IllegalArgumentException when a ticket push has no {@value #TICKET_FIELD} field; nothing is written
     */
    @Override
    public Outcome record(ReceivedPush received) {
        Objects.requireNonNull(received, "received");
        ComponentPush push = received.push();
        String appid = push.componentAppid();
        String sealedTicket = null;
        if (push.isTicket()) {
            String ticket = push.field(TICKET_FIELD).orElseThrow(() -> new IllegalArgumentException(
                    "component_verify_ticket push of " + appid + " has no " + TICKET_FIELD + " field"));
            sealedTicket = sealer.seal(ticket, JdbcTicketStore.ticketContext(appid));
        }
        String sealedPayload = sealer.seal(received.decryptedXml(), payloadContext(appid));
        String ticketToStore = sealedTicket;
        return JdbcSupport.inTransaction(dataSource, "Recording a " + push.infoType() + " push", connection -> {
            try {
                JdbcSupport.execute(connection, INSERT_EVENT, insert -> {
                    insert.setString(1, UUID.randomUUID().toString());
                    insert.setString(2, appid);
                    insert.setString(3, push.infoType());
                    String authorizer = push.authorizerAppid().orElse(null);
                    if (authorizer == null) {
                        insert.setNull(4, Types.VARCHAR);
                    } else {
                        insert.setString(4, authorizer);
                    }
                    insert.setLong(5, push.createTime().toEpochMilli());
                    insert.setLong(6, received.receivedAt().toEpochMilli());
                    insert.setString(7, received.msgSignature());
                    insert.setString(8, received.timestamp());
                    insert.setString(9, received.nonce());
                    insert.setString(10, sealedPayload);
                    insert.setString(11, STATUS_RECEIVED);
                });
            } catch (SQLException e) {
                // The only unique key a fresh UUID can meet is the delivery key: this delivery was recorded before.
                if (JdbcSupport.isIntegrityViolation(e)) {
                    throw new DuplicatePushException("Push already recorded: component " + appid
                            + ", msg_signature " + received.msgSignature() + ", timestamp " + received.timestamp()
                            + ", nonce " + received.nonce());
                }
                throw e;
            }
            if (ticketToStore == null) {
                return Outcome.EVENT_STORED;
            }
            long createTime = push.createTime().toEpochMilli();
            long receivedAt = received.receivedAt().toEpochMilli();
            long now = clock.millis();
            // WeChat pushes a ticket every 10 minutes and deliveries can overtake each other: keep the latest only.
            boolean stored = JdbcSupport.updateOrInsert(connection, UPDATE_TICKET, update -> {
                update.setString(1, ticketToStore);
                update.setLong(2, createTime);
                update.setLong(3, receivedAt);
                update.setLong(4, now);
                update.setString(5, appid);
                update.setLong(6, createTime);
            }, COMPONENT_EXISTS, exists -> exists.setString(1, appid), INSERT_TICKET, insert -> {
                insert.setString(1, appid);
                insert.setString(2, ticketToStore);
                insert.setLong(3, createTime);
                insert.setLong(4, receivedAt);
                insert.setLong(5, now);
            });
            return stored ? Outcome.TICKET_STORED : Outcome.TICKET_OLDER_KEPT_NEWER;
        });
    }

    /**
     * {@inheritDoc}
     *
     * @throws StoreException when the database cannot be read
     */
    @Override
    public long countEvents(String componentAppid) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        return JdbcSupport.read(dataSource, "Counting recorded pushes", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(COUNT_EVENTS)) {
                statement.setString(1, componentAppid);
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }
}
