package io.wechatopen.camel.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

import javax.sql.DataSource;

import io.wechatopen.camel.crypto.MalformedMessageException;
import io.wechatopen.camel.crypto.SafeXml;
import io.wechatopen.camel.model.ComponentPush;
import io.wechatopen.camel.model.InfoType;
import io.wechatopen.camel.model.ReceivedPush;
import io.wechatopen.camel.model.StoredEvent;

/**
 * {@link PushStore} on the {@code wechat_authorization_event} and {@code wechat_component} tables.
 *
 * <p>Each push becomes one event row with a random UUID, status {@value #STATUS_RECEIVED}, and the decrypted XML
 * sealed with the context {@code "wechat_authorization_event.payload:" + componentAppid} (it holds tickets and
 * authorization codes). A {@code component_verify_ticket} push also replaces the component's ticket, sealed as
 * {@link JdbcTicketStore} reads it, when its {@code CreateTime} is later than the stored one's.
 *
 * <p>Authorization pushes ({@code authorized}, {@code updateauthorized}, {@code unauthorized}) are then processed:
 * {@link #markProcessed} sets status {@value #STATUS_PROCESSED}, {@link #markFailed} counts failed attempts in
 * {@code attempts} (with the last error in {@code last_error}) and sets status {@value #STATUS_FAILED} at the last
 * one. Until then {@code next_attempt_at} holds when the next attempt is due, and {@link #findUnprocessed} returns
 * only due events. Ticket pushes and pushes of other types stay {@value #STATUS_RECEIVED}: they are recorded for
 * audit only. With several instances, {@link #claimUnprocessed} leases due events ({@code lease_holder},
 * {@code lease_until}); marking an event processed or failed (or retrying it) ends its lease.
 *
 * <p>With a {@link JdbcNoticeStore}, a push of a type the bundle does not act on
 * ({@link InfoType#isRoutedToIntegrator}: fast registration, 认证, ICP filing and any type not known yet) also gets a
 * notice in the outbox, in the transaction that records it and with the event row's id as its notice id, so that it
 * is delivered to {@code seda:wechat-component-event-received} at least once after it is stored.
 *
 * <p>The delivery key (component, msg_signature, timestamp, nonce) is unique; {@code body_hash} tells a re-delivery
 * of the same request from a replay of its key with another body.
 *
 * <p>Thread-safe; every call takes its own connection from the pool.
 */
public final class JdbcPushStore implements PushStore {

    /** The status of a recorded push that was not processed yet. */
    public static final String STATUS_RECEIVED = "RECEIVED";

    /** The status of an authorization push that was processed. */
    public static final String STATUS_PROCESSED = "PROCESSED";

    /** The status of an authorization push whose processing failed {@code maxAttempts} times. */
    public static final String STATUS_FAILED = "FAILED";

    /** The longest error message kept in {@code last_error}; longer ones are cut. */
    public static final int MAX_ERROR_LENGTH = 512;

    /** The field of a ticket push that holds the ticket. */
    public static final String TICKET_FIELD = "ComponentVerifyTicket";

    private static final String INSERT_EVENT = "INSERT INTO wechat_authorization_event (id, component_appid,"
            + " info_type, authorizer_appid, create_time, received_at, msg_signature, push_timestamp, push_nonce,"
            + " payload, status, body_hash, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String SELECT_BODY_HASH = "SELECT body_hash FROM wechat_authorization_event"
            + " WHERE component_appid = ? AND msg_signature = ? AND push_timestamp = ? AND push_nonce = ?";
    private static final String UPDATE_TICKET = "UPDATE wechat_component SET verify_ticket = ?,"
            + " ticket_create_time = ?, ticket_received_at = ?, updated_at = ?"
            + " WHERE component_appid = ? AND (ticket_create_time IS NULL OR ticket_create_time < ?)";
    private static final String COMPONENT_EXISTS = "SELECT 1 FROM wechat_component WHERE component_appid = ?";
    private static final String INSERT_TICKET = "INSERT INTO wechat_component (component_appid, verify_ticket,"
            + " ticket_create_time, ticket_received_at, updated_at) VALUES (?, ?, ?, ?, ?)";
    private static final String SELECT_UNPROCESSED = "SELECT id, info_type, create_time, payload, attempts"
            + " FROM wechat_authorization_event WHERE component_appid = ? AND status = 'RECEIVED'"
            + " AND next_attempt_at <= ? AND info_type IN ('" + InfoType.AUTHORIZED + "', '"
            + InfoType.UPDATE_AUTHORIZED + "', '"
            + InfoType.UNAUTHORIZED + "') ORDER BY create_time, received_at, id LIMIT ?";
    // SKIP LOCKED (PostgreSQL, MariaDB 10.6+, H2 2.2): concurrent claimers take disjoint rows instead of waiting.
    private static final String CLAIM_UNPROCESSED = "SELECT id, info_type, create_time, payload, attempts"
            + " FROM wechat_authorization_event WHERE component_appid = ? AND status = 'RECEIVED'"
            + " AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?) AND info_type IN ('"
            + InfoType.AUTHORIZED + "', '" + InfoType.UPDATE_AUTHORIZED + "', '" + InfoType.UNAUTHORIZED
            + "') ORDER BY create_time, received_at, id LIMIT ? FOR UPDATE SKIP LOCKED";
    private static final String TAKE_LEASE = "UPDATE wechat_authorization_event SET lease_holder = ?,"
            + " lease_until = ? WHERE id = ? AND status = 'RECEIVED' AND (lease_until IS NULL OR lease_until < ?)";
    private static final String MARK_PROCESSED = "UPDATE wechat_authorization_event SET status = 'PROCESSED',"
            + " processed_at = ?, lease_holder = NULL, lease_until = NULL WHERE id = ? AND status = 'RECEIVED'";
    // status and processed_at are assigned before attempts: MySQL/MariaDB evaluate SET left to right with the new
    // values, PostgreSQL and H2 with the old ones; in this order both read the old attempts.
    private static final String MARK_FAILED = "UPDATE wechat_authorization_event"
            + " SET status = CASE WHEN attempts + 1 >= ? THEN 'FAILED' ELSE status END,"
            + " processed_at = CASE WHEN attempts + 1 >= ? THEN ? ELSE processed_at END,"
            + " last_error = ?, next_attempt_at = ?, attempts = attempts + 1, lease_holder = NULL, lease_until = NULL"
            + " WHERE id = ? AND status = 'RECEIVED'";
    private static final String MARK_UNREADABLE = "UPDATE wechat_authorization_event SET status = 'FAILED',"
            + " processed_at = ?, last_error = ?, attempts = attempts + 1, lease_holder = NULL, lease_until = NULL"
            + " WHERE id = ? AND status = 'RECEIVED'";
    private static final String SELECT_BY_STATUS = "SELECT id, component_appid, info_type, authorizer_appid,"
            + " create_time, status, attempts, last_error FROM wechat_authorization_event"
            + " WHERE component_appid = ? AND status = ? ORDER BY create_time, received_at, id LIMIT ?";
    private static final String RETRY_FAILED = "UPDATE wechat_authorization_event SET status = 'RECEIVED',"
            + " attempts = 0, next_attempt_at = ?, processed_at = NULL, lease_holder = NULL, lease_until = NULL"
            + " WHERE id = ? AND component_appid = ? AND status = 'FAILED'";
    private static final String EVENT_EXISTS = "SELECT 1 FROM wechat_authorization_event"
            + " WHERE id = ? AND component_appid = ?";
    private static final String COUNT_EVENTS = "SELECT COUNT(*) FROM wechat_authorization_event"
            + " WHERE component_appid = ?";
    private static final String COUNT_EVENTS_IN_STATUS = COUNT_EVENTS + " AND status = ?";

    private final DataSource dataSource;
    private final SecretSealer sealer;
    private final Clock clock;
    private final JdbcNoticeStore notices;

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
        this(dataSource, sealer, clock, null);
    }

    /**
     * @param dataSource a pool on a database migrated by {@link StoreMigrations}
     * @param sealer seals the payload and the ticket
     * @param clock gives {@code wechat_component.updated_at}
     * @param notices the outbox that receives a notice per push routed to the integrator, or null for none
     */
    public JdbcPushStore(DataSource dataSource, SecretSealer sealer, Clock clock, JdbcNoticeStore notices) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.sealer = Objects.requireNonNull(sealer, "sealer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.notices = notices;
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
     *         {@link Outcome#EVENT_STORED} for any other, {@link Outcome#ALREADY_RECORDED} for a re-delivery
     * @throws IllegalArgumentException when a ticket push has no {@value #TICKET_FIELD} field; nothing is written
     */
    @Override
    public Outcome record(ReceivedPush received) {
        Objects.requireNonNull(received, "received");
        try {
            return insert(received);
        } catch (DuplicatePushException e) {
            // The failed insert ended its transaction; compare the bodies in a new one.
            String storedHash = JdbcSupport.read(dataSource, "Reading a recorded push's body hash",
                    connection -> JdbcSupport.queryOne(connection, SELECT_BODY_HASH, select -> {
                        select.setString(1, received.push().componentAppid());
                        select.setString(2, received.msgSignature());
                        select.setString(3, received.timestamp());
                        select.setString(4, received.nonce());
                    }, rs -> rs.getString(1))).orElse(null);
            if (received.bodyHash() != null && received.bodyHash().equals(storedHash)) {
                return Outcome.ALREADY_RECORDED;
            }
            throw e;
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>All event rows go in one JDBC batch; per component only the latest ticket of the batch is sealed and offered
     * to {@code wechat_component} (one update), so a ticket push of the batch gets {@link Outcome#TICKET_STORED} when
     * its ticket is the component's latest after the commit, {@link Outcome#TICKET_OLDER_KEPT_NEWER} otherwise. When
     * a delivery key of the batch was recorded before (a unique-key violation) the transaction is rolled back and
     * each push is recorded on its own with {@link #record}; a push whose own transaction then fails gets that
     * {@link StoreException} as its refusal.
     *
     * @throws StoreException when the batch cannot be written; nothing of any push is written then
     */
    @Override
    public List<Recorded> recordAll(List<ReceivedPush> pushes) {
        Objects.requireNonNull(pushes, "pushes");
        Recorded[] results = new Recorded[pushes.size()];
        Map<DeliveryKey, ReceivedPush> firstByKey = new HashMap<>();
        List<Integer> inserted = new ArrayList<>();
        // Sorted, so that concurrent batches lock the component rows in the same order.
        Map<String, Integer> latestTicket = new TreeMap<>();
        for (int i = 0; i < pushes.size(); i++) {
            ReceivedPush received = pushes.get(i);
            ComponentPush push = received.push();
            if (push.isTicket() && push.field(TICKET_FIELD).isEmpty()) {
                results[i] = new Recorded(null, new IllegalArgumentException("component_verify_ticket push of "
                        + push.componentAppid() + " has no " + TICKET_FIELD + " field"));
                continue;
            }
            ReceivedPush first = firstByKey.putIfAbsent(DeliveryKey.of(received), received);
            if (first != null) {
                results[i] = received.bodyHash() != null && received.bodyHash().equals(first.bodyHash())
                        ? new Recorded(Outcome.ALREADY_RECORDED, null)
                        : new Recorded(null, duplicate(received));
                continue;
            }
            inserted.add(i);
            if (push.isTicket()) {
                Integer latest = latestTicket.get(push.componentAppid());
                if (latest == null || push.createTime().isAfter(pushes.get(latest).push().createTime())) {
                    latestTicket.put(push.componentAppid(), i);
                }
            }
        }
        List<EventRow> rows = new ArrayList<>(inserted.size());
        for (int i : inserted) {
            ReceivedPush received = pushes.get(i);
            rows.add(new EventRow(UUID.randomUUID().toString(), received, sealer.seal(received.decryptedXml(),
                    payloadContext(received.push().componentAppid()))));
        }
        Map<String, String> sealedTickets = new LinkedHashMap<>();
        latestTicket.forEach((appid, i) -> sealedTickets.put(appid, sealer.seal(
                pushes.get(i).push().field(TICKET_FIELD).orElseThrow(), JdbcTicketStore.ticketContext(appid))));
        Map<String, Boolean> ticketStored;
        try {
            ticketStored = JdbcSupport.inTransaction(dataSource, "Recording " + rows.size() + " pushes",
                    connection -> {
                        insertEvents(connection, rows);
                        for (EventRow row : rows) {
                            insertNotice(connection, row.id(), row.received());
                        }
                        Map<String, Boolean> stored = new HashMap<>();
                        for (Map.Entry<String, Integer> latest : latestTicket.entrySet()) {
                            stored.put(latest.getKey(), storeTicket(connection, pushes.get(latest.getValue()),
                                    sealedTickets.get(latest.getKey())));
                        }
                        return stored;
                    });
        } catch (RecordedBeforeException e) {
            return recordEach(pushes);
        }
        if (rows.stream().anyMatch(row -> routed(row.received()))) {
            notices.written();
        }
        for (int i : inserted) {
            ComponentPush push = pushes.get(i).push();
            Outcome outcome = !push.isTicket() ? Outcome.EVENT_STORED
                    : latestTicket.get(push.componentAppid()) == i && ticketStored.get(push.componentAppid())
                            ? Outcome.TICKET_STORED
                            : Outcome.TICKET_OLDER_KEPT_NEWER;
            results[i] = new Recorded(outcome, null);
        }
        return List.of(results);
    }

    private List<Recorded> recordEach(List<ReceivedPush> pushes) {
        List<Recorded> results = new ArrayList<>(pushes.size());
        for (ReceivedPush push : pushes) {
            try {
                results.add(new Recorded(record(push), null));
            } catch (StoreException | IllegalArgumentException e) {
                results.add(new Recorded(null, e));
            }
        }
        return results;
    }

    private boolean routed(ReceivedPush received) {
        return notices != null && InfoType.isRoutedToIntegrator(received.push().infoType());
    }

    /** The outbox notice of a push routed to the integrator, in the transaction recording it. */
    private void insertNotice(Connection connection, String eventId, ReceivedPush received) throws SQLException {
        if (routed(received)) {
            notices.insert(connection, notices.componentEventNotice(eventId, received));
        }
    }

    private static void insertEvents(Connection connection, List<EventRow> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT_EVENT)) {
            for (EventRow row : rows) {
                bindEvent(insert, row.id(), row.received(), row.sealedPayload());
                insert.addBatch();
            }
            insert.executeBatch();
        } catch (SQLException e) {
            if (isIntegrityViolation(e)) {
                throw new RecordedBeforeException();
            }
            throw e;
        }
    }

    private static boolean isIntegrityViolation(SQLException e) {
        for (SQLException each = e; each != null; each = each.getNextException()) {
            if (JdbcSupport.isIntegrityViolation(each)
                    || each.getCause() instanceof SQLException cause && JdbcSupport.isIntegrityViolation(cause)) {
                return true;
            }
        }
        return false;
    }

    private static void bindEvent(PreparedStatement insert, String id, ReceivedPush received, String sealedPayload)
            throws SQLException {
        ComponentPush push = received.push();
        insert.setString(1, id);
        insert.setString(2, push.componentAppid());
        insert.setString(3, push.infoType());
        JdbcSupport.setNullableString(insert, 4, push.authorizerAppid().orElse(null));
        insert.setLong(5, push.createTime().toEpochMilli());
        insert.setLong(6, received.receivedAt().toEpochMilli());
        insert.setString(7, received.msgSignature());
        insert.setString(8, received.timestamp());
        insert.setString(9, received.nonce());
        insert.setString(10, sealedPayload);
        insert.setString(11, STATUS_RECEIVED);
        JdbcSupport.setNullableString(insert, 12, received.bodyHash());
        insert.setLong(13, received.receivedAt().toEpochMilli());
    }

    /** Offers a ticket push's ticket to {@code wechat_component}; true when it is now the latest. */
    private boolean storeTicket(Connection connection, ReceivedPush received, String sealedTicket)
            throws SQLException {
        String appid = received.push().componentAppid();
        long createTime = received.push().createTime().toEpochMilli();
        long receivedAt = received.receivedAt().toEpochMilli();
        long now = clock.millis();
        // WeChat pushes a ticket every 10 minutes and deliveries can overtake each other: keep the latest only.
        return JdbcSupport.updateOrInsert(connection, UPDATE_TICKET, update -> {
            update.setString(1, sealedTicket);
            update.setLong(2, createTime);
            update.setLong(3, receivedAt);
            update.setLong(4, now);
            update.setString(5, appid);
            update.setLong(6, createTime);
        }, COMPONENT_EXISTS, exists -> exists.setString(1, appid), INSERT_TICKET, insert -> {
            insert.setString(1, appid);
            insert.setString(2, sealedTicket);
            insert.setLong(3, createTime);
            insert.setLong(4, receivedAt);
            insert.setLong(5, now);
        });
    }

    private static DuplicatePushException duplicate(ReceivedPush received) {
        return new DuplicatePushException("Push already recorded: component " + received.push().componentAppid()
                + ", msg_signature " + received.msgSignature() + ", timestamp " + received.timestamp() + ", nonce "
                + received.nonce());
    }

    private record DeliveryKey(String componentAppid, String msgSignature, String timestamp, String nonce) {

        static DeliveryKey of(ReceivedPush received) {
            return new DeliveryKey(received.push().componentAppid(), received.msgSignature(), received.timestamp(),
                    received.nonce());
        }
    }

    private record EventRow(String id, ReceivedPush received, String sealedPayload) {
    }

    /** A delivery key of the batch was recorded before it: the batch is rolled back and recorded push by push. */
    private static final class RecordedBeforeException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        RecordedBeforeException() {
            super("a delivery key of the batch was recorded before", null, false, false);
        }
    }

    private Outcome insert(ReceivedPush received) {
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
        String id = UUID.randomUUID().toString();
        Outcome outcome = JdbcSupport.inTransaction(dataSource, "Recording a " + push.infoType() + " push",
                connection -> {
                    try {
                        JdbcSupport.execute(connection, INSERT_EVENT,
                                insert -> bindEvent(insert, id, received, sealedPayload));
                    } catch (SQLException e) {
                        // The only unique key a fresh UUID can meet is the delivery key: this delivery was recorded before.
                        if (JdbcSupport.isIntegrityViolation(e)) {
                            throw duplicate(received);
                        }
                        throw e;
                    }
                    insertNotice(connection, id, received);
                    if (ticketToStore == null) {
                        return Outcome.EVENT_STORED;
                    }
                    return storeTicket(connection, received, ticketToStore) ? Outcome.TICKET_STORED
                            : Outcome.TICKET_OLDER_KEPT_NEWER;
                });
        if (routed(received)) {
            notices.written();
        }
        return outcome;
    }

    /**
     * {@inheritDoc}
     *
     * @throws StoreException when the database cannot be read
     */
    @Override
    public long countEvents(String componentAppid) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        return count(COUNT_EVENTS, componentAppid, null);
    }

    /**
     * {@inheritDoc}
     *
     * @throws StoreException when the database cannot be read
     */
    @Override
    public long countEvents(String componentAppid, String status) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(status, "status");
        return count(COUNT_EVENTS_IN_STATUS, componentAppid, status);
    }

    private long count(String sql, String componentAppid, String status) {
        return JdbcSupport.read(dataSource, "Counting recorded pushes",
                connection -> JdbcSupport.queryCount(connection, sql, statement -> {
                    statement.setString(1, componentAppid);
                    if (status != null) {
                        statement.setString(2, status);
                    }
                }));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Due means {@code next_attempt_at} is not later than this store's clock. Ordered by {@code CreateTime}, then
     * by reception, then by id. Each push is rebuilt from the opened payload ({@link SafeXml#parseFlat}) with the
     * stored component appid, InfoType and CreateTime (to the millisecond). A payload that cannot be opened (key
     * removed from {@code wechat.store.encryption-key}, value altered) or parsed marks its event FAILED, with the
     * reason in {@code last_error}, in a transaction of its own.
     *
     * @throws IllegalArgumentException when {@code limit} is below 1
     * @throws StoreException when the database cannot be read or written
     */
    @Override
    public List<StoredEvent> findUnprocessed(String componentAppid, int limit) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        long now = clock.millis();
        List<SealedEvent> rows = JdbcSupport.read(dataSource, "Reading unprocessed authorization pushes",
                connection -> JdbcSupport.queryList(connection, SELECT_UNPROCESSED, statement -> {
                    statement.setString(1, componentAppid);
                    statement.setLong(2, now);
                    statement.setInt(3, limit);
                }, rs -> new SealedEvent(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                        rs.getInt(5))));
        return opened(componentAppid, rows);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Due and lease deadlines are compared with this store's clock, to the millisecond. Payloads are opened as in
     * {@link #findUnprocessed}, after the claim is committed; an unreadable one is marked FAILED and left out.
     *
     * @throws IllegalArgumentException when {@code limit} is below 1
     * @throws StoreException when the database cannot be read or written; nothing is claimed then
     */
    @Override
    public List<StoredEvent> claimUnprocessed(String componentAppid, String holder, Instant leaseUntil, int limit) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(leaseUntil, "leaseUntil");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        long now = clock.millis();
        List<SealedEvent> rows = JdbcSupport.inTransaction(dataSource, "Claiming unprocessed authorization pushes",
                connection -> {
                    List<SealedEvent> due = JdbcSupport.queryList(connection, CLAIM_UNPROCESSED, statement -> {
                        statement.setString(1, componentAppid);
                        statement.setLong(2, now);
                        statement.setLong(3, now);
                        statement.setInt(4, limit);
                    }, rs -> new SealedEvent(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                            rs.getInt(5)));
                    List<SealedEvent> claimed = new ArrayList<>();
                    for (SealedEvent row : due) {
                        if (JdbcSupport.execute(connection, TAKE_LEASE, update -> {
                            update.setString(1, holder);
                            update.setLong(2, leaseUntil.toEpochMilli());
                            update.setString(3, row.id());
                            update.setLong(4, now);
                        }) > 0) {
                            claimed.add(row);
                        }
                    }
                    return claimed;
                });
        return opened(componentAppid, rows);
    }

    private List<StoredEvent> opened(String componentAppid, List<SealedEvent> rows) {
        List<StoredEvent> events = new ArrayList<>();
        for (SealedEvent row : rows) {
            Map<String, String> fields;
            try {
                fields = openPayload(componentAppid, row.sealedPayload());
            } catch (UnreadablePayloadException e) {
                markUnreadable(row.id(), e.getMessage());
                continue;
            }
            ComponentPush push = new ComponentPush(componentAppid, row.infoType(),
                    Instant.ofEpochMilli(row.createTime()), fields);
            events.add(new StoredEvent(row.id(), push, row.attempts()));
        }
        return events;
    }

    private record SealedEvent(String id, String infoType, long createTime, String sealedPayload, int attempts) {
    }

    /** A payload that can never be processed; the message names no secret. */
    private static final class UnreadablePayloadException extends Exception {

        private static final long serialVersionUID = 1L;

        UnreadablePayloadException(String message) {
            super(message);
        }
    }

    private Map<String, String> openPayload(String componentAppid, String sealedPayload)
            throws UnreadablePayloadException {
        String xml;
        try {
            xml = sealer.open(sealedPayload, payloadContext(componentAppid));
        } catch (StoreException e) {
            // SecretSealer's messages name the format or key id, never the value.
            throw new UnreadablePayloadException("payload cannot be opened: " + e.getMessage());
        }
        try {
            return SafeXml.parseFlat(xml);
        } catch (MalformedMessageException e) {
            throw new UnreadablePayloadException("payload is not a flat WeChat XML message");
        }
    }

    private void markUnreadable(String eventId, String reason) {
        long now = clock.millis();
        JdbcSupport.inTransaction(dataSource, "Marking an unreadable push failed",
                connection -> JdbcSupport.execute(connection, MARK_UNREADABLE, update -> {
                    update.setLong(1, now);
                    update.setString(2, cut(reason));
                    update.setString(3, eventId);
                }));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Sets {@code processed_at} to {@code at}.
     *
     * @return true when the event was RECEIVED and is now PROCESSED; false when it is unknown, already PROCESSED or
     *         FAILED
     * @throws StoreException when the database cannot be written
     */
    @Override
    public boolean markProcessed(String eventId, Instant at) {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(at, "at");
        return JdbcSupport.inTransaction(dataSource, "Marking a push processed",
                connection -> JdbcSupport.execute(connection, MARK_PROCESSED, update -> {
                    update.setLong(1, at.toEpochMilli());
                    update.setString(2, eventId);
                }) > 0);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Increments {@code attempts} and keeps {@code error} (cut to {@value #MAX_ERROR_LENGTH} characters) in
     * {@code last_error}; when {@code attempts} reaches {@code maxAttempts} the status becomes
     * {@value #STATUS_FAILED} and {@code processed_at} is set to {@code at}; otherwise the event is due again at
     * {@code nextAttemptAt}. An event that is unknown or no longer RECEIVED is left as it is.
     *
     * @param error a message without secrets, or null
     * @throws IllegalArgumentException when {@code maxAttempts} is below 1
     * @throws StoreException when the database cannot be written
     */
    @Override
    public void markFailed(String eventId, Instant at, String error, int maxAttempts, Instant nextAttemptAt) {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        String kept = cut(error);
        JdbcSupport.inTransaction(dataSource, "Recording a failed push processing",
                connection -> JdbcSupport.execute(connection, MARK_FAILED, update -> {
                    update.setInt(1, maxAttempts);
                    update.setInt(2, maxAttempts);
                    update.setLong(3, at.toEpochMilli());
                    JdbcSupport.setNullableString(update, 4, kept);
                    update.setLong(5, nextAttemptAt.toEpochMilli());
                    update.setString(6, eventId);
                }));
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when {@code limit} is below 1
     * @throws StoreException when the database cannot be read
     */
    @Override
    public List<EventSummary> findByStatus(String componentAppid, String status, int limit) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(status, "status");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        return JdbcSupport.read(dataSource, "Listing recorded pushes",
                connection -> JdbcSupport.queryList(connection, SELECT_BY_STATUS, statement -> {
                    statement.setString(1, componentAppid);
                    statement.setString(2, status);
                    statement.setInt(3, limit);
                }, rs -> new EventSummary(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        Instant.ofEpochMilli(rs.getLong(5)), rs.getString(6), rs.getInt(7), rs.getString(8))));
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code last_error} is kept, as the history of the failure.
     *
     * @throws StoreException when the database cannot be written
     */
    @Override
    public RetryOutcome retryFailed(String componentAppid, String eventId, Instant now) {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(now, "now");
        return JdbcSupport.inTransaction(dataSource, "Retrying a failed push", connection -> {
            int updated = JdbcSupport.execute(connection, RETRY_FAILED, update -> {
                update.setLong(1, now.toEpochMilli());
                update.setString(2, eventId);
                update.setString(3, componentAppid);
            });
            if (updated > 0) {
                return RetryOutcome.RETRIED;
            }
            return JdbcSupport.exists(connection, EVENT_EXISTS, exists -> {
                exists.setString(1, eventId);
                exists.setString(2, componentAppid);
            }) ? RetryOutcome.NOT_FAILED : RetryOutcome.UNKNOWN;
        });
    }

    private static String cut(String error) {
        if (error == null || error.length() <= MAX_ERROR_LENGTH) {
            return error;
        }
        int end = MAX_ERROR_LENGTH;
        if (Character.isHighSurrogate(error.charAt(end - 1))) {
            end--;
        }
        return error.substring(0, end);
    }
}
