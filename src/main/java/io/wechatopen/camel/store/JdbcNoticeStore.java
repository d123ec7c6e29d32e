package io.wechatopen.camel.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.wechatopen.camel.model.AuthorizationChange;
import io.wechatopen.camel.model.ComponentPush;
import io.wechatopen.camel.model.Notice;
import io.wechatopen.camel.model.ReceivedPush;

/**
 * {@link NoticeStore} on the {@code wechat_notice} table. {@code headers} is a JSON object of strings. A new notice
 * is held by the writer until {@code created_at} plus its lease, or due at once (no holder) when the store has no
 * writer (see the constructors).
 *
 * <p>Claims are portable compare-and-sets (no {@code SKIP LOCKED}): the due notices are read, then each is taken by
 * an update that applies only while it is still undelivered and its lease has ended, so two instances never hold
 * the same notice at once. Every write is its own transaction, or part of the caller's (see
 * {@link #insert(Connection, Notice)}). After a notice is committed the hook given to {@link #onWritten} runs (an
 * instance wakes its relay instead of waiting for the next poll). The body of a {@link Notice#COMPONENT_EVENT} is
 * the decrypted push, which may hold an authorization code (e.g. {@code notify_third_fasteregister}'s
 * {@code auth_code}): with a {@link SecretSealer} it is sealed at rest with the context
 * {@code "wechat_notice.body:" + componentAppid} and opened when read. Thread-safe.
 */
public final class JdbcNoticeStore implements NoticeStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ERROR = 512;
    /** {@code change_kind} and {@code authorizer_appid} column widths. */
    private static final int MAX_KIND = 32;
    private static final int MAX_ACCOUNT = 64;

    private static final String COLUMNS = "notice_id, component_appid, authorizer_appid, kind, change_kind, headers,"
            + " body, created_at, attempts";
    private static final String INSERT = "INSERT INTO wechat_notice (" + COLUMNS + ", lease_holder, lease_until)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)";
    // Due: no live lease; or held by the claimer since it wrote it and never tried yet (see the constructor).
    private static final String CLAIMABLE = " delivered_at IS NULL AND (lease_until <= ?"
            + " OR (lease_holder = ? AND attempts = 0))";
    private static final String EXISTS = "SELECT 1 FROM wechat_notice WHERE notice_id = ?";
    private static final String SELECT_DUE = "SELECT notice_id FROM wechat_notice WHERE" + CLAIMABLE
            + " ORDER BY created_at, notice_id LIMIT ?";
    private static final String TAKE = "UPDATE wechat_notice SET lease_holder = ?, lease_until = ?, attempts = attempts + 1"
            + " WHERE notice_id = ? AND" + CLAIMABLE;
    private static final String SELECT_ONE = "SELECT " + COLUMNS + " FROM wechat_notice WHERE notice_id = ?";
    private static final String DELIVERED = "UPDATE wechat_notice SET delivered_at = ?"
            + " WHERE notice_id = ? AND lease_holder = ? AND delivered_at IS NULL";
    private static final String FAILED = "UPDATE wechat_notice SET lease_until = ?, last_error = ? WHERE notice_id = ? AND lease_holder = ? AND delivered_at IS NULL";
    private static final String COUNT_PENDING = "SELECT COUNT(*) FROM wechat_notice"
            + " WHERE component_appid = ? AND delivered_at IS NULL";
    private static final String SELECT_BY_AUTHORIZER = "SELECT " + COLUMNS + " FROM wechat_notice"
            + " WHERE component_appid = ? AND authorizer_appid = ? ORDER BY created_at, notice_id";
    private static final String PURGE = "DELETE FROM wechat_notice WHERE delivered_at IS NOT NULL AND delivered_at < ?";

    private final DataSource dataSource;
    private final Clock clock;
    private final String writer;
    private final Duration writerLease;
    private final SecretSealer sealer;
    private volatile Runnable onWritten = () -> {
    };

    /**
     * @param dataSource a pool on a database migrated by {@link StoreMigrations}
     * @param clock gives {@code created_at} of the notices built by {@link #authorizationNotice}
     */
    public JdbcNoticeStore(DataSource dataSource, Clock clock) {
        this(dataSource, clock, null, Duration.ZERO);
    }

    /**
     * A store whose new notices are held by {@code writer} from the start, until {@code created_at + lease}: the
     * instance that committed a change delivers its notice itself (its relay claims the notices it holds and has
     * not tried yet), and the others take it over only once that lease ended.
     *
     * @param dataSource a pool on a database migrated by {@link StoreMigrations}
     * @param clock gives {@code created_at} of the notices built by {@link #authorizationNotice}
     * @param writer this instance's node id, or null for notices due to any instance at once
     * @param lease how long a new notice stays the writer's
     */
    public JdbcNoticeStore(DataSource dataSource, Clock clock, String writer, Duration lease) {
        this(dataSource, clock, writer, lease, null);
    }

    /**
     * As {@link #JdbcNoticeStore(DataSource, Clock, String, Duration)}, sealing the bodies of component events.
     *
     * @param sealer seals the body of {@link Notice#COMPONENT_EVENT} notices, or null to keep them in clear
     */
    public JdbcNoticeStore(DataSource dataSource, Clock clock, String writer, Duration lease, SecretSealer sealer) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.writer = writer;
        this.writerLease = Objects.requireNonNull(lease, "lease");
        this.sealer = sealer;
    }

    /**
     * Sets what runs after a notice was committed on this instance; it must not block or throw (a failure is
     * ignored: the relay polls anyway).
     */
    public void onWritten(Runnable hook) {
        this.onWritten = Objects.requireNonNull(hook, "hook");
    }

    /** Runs the {@link #onWritten} hook; called after a transaction that wrote a notice committed. */
    void written() {
        try {
            onWritten.run();
        } catch (RuntimeException e) {
            // The relay polls every second: a missed wake-up only delays delivery.
        }
    }

    /**
     * The notice of an authorization change: a new id, body
     * {@code {"notice_id","component_appid","authorizer_appid","change","at","func_info","detail"}}, headers
     * {@code WeChatNoticeId}, {@code WeChatComponentAppid}, {@code WeChatAuthorizerAppid},
     * {@code WeChatAuthorizationChange}.
     */
    Notice authorizationNotice(AuthorizationChange change) {
        String id = UUID.randomUUID().toString();
        String kind = change.kind().notice();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("notice_id", id);
        body.put("component_appid", change.componentAppid());
        body.put("authorizer_appid", change.authorizerAppid());
        body.put("change", kind);
        body.put("at", change.at().toString());
        body.put("func_info", change.funcInfo());
        body.put("detail", change.detail());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(Notice.NOTICE_ID, id);
        headers.put(Notice.COMPONENT_APPID, change.componentAppid());
        headers.put(Notice.AUTHORIZER_APPID, change.authorizerAppid());
        headers.put(Notice.CHANGE, kind);
        return new Notice(id, change.componentAppid(), change.authorizerAppid(), Notice.AUTHORIZATION, kind, headers,
                json(body), clock.instant(), 0);
    }

    /**
     * The notice of a push the bundle does not act on ({@link io.wechatopen.camel.model.InfoType#isRoutedToIntegrator}),
     * with the id of its event row: body the decrypted XML, headers {@code WeChatNoticeId},
     * {@code WeChatComponentAppid}, {@code WeChatInfoType} and {@code WeChatAuthorizerAppid} when the push names an
     * account ({@code AuthorizerAppid}, else {@code appid} or {@code authorizer_appid}).
     */
    Notice componentEventNotice(String eventId, ReceivedPush received) {
        ComponentPush push = received.push();
        String account = push.authorizerAppid().or(() -> push.field("appid"))
                .or(() -> push.field("authorizer_appid")).orElse("");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(Notice.NOTICE_ID, eventId);
        headers.put(Notice.COMPONENT_APPID, push.componentAppid());
        headers.put(Notice.INFO_TYPE, push.infoType());
        if (!account.isEmpty()) {
            headers.put(Notice.AUTHORIZER_APPID, account);
        }
        String kind = push.infoType().length() > MAX_KIND ? push.infoType().substring(0, MAX_KIND) : push.infoType();
        return new Notice(eventId, push.componentAppid(), account.length() > MAX_ACCOUNT ? "" : account,
                Notice.COMPONENT_EVENT, kind, headers, received.decryptedXml(), received.receivedAt(), 0);
    }

    /** Inserts a notice inside the caller's transaction; it becomes visible when that transaction commits. */
    void insert(Connection connection, Notice notice) throws SQLException {
        String headers = json(notice.headers());
        JdbcSupport.execute(connection, INSERT, s -> bind(s, notice, headers));
    }

    private void bind(PreparedStatement s, Notice notice, String headers) throws SQLException {
        s.setString(1, notice.noticeId());
        s.setString(2, notice.componentAppid());
        s.setString(3, notice.authorizerAppid());
        s.setString(4, notice.kind());
        s.setString(5, notice.changeKind());
        s.setString(6, headers);
        s.setString(7, sealedBody(notice));
        s.setLong(8, notice.createdAt().toEpochMilli());
        JdbcSupport.setNullableString(s, 9, writer);
        s.setLong(10, notice.createdAt().plus(writer == null ? Duration.ZERO : writerLease).toEpochMilli());
    }

    @Override
    public boolean add(Notice notice) {
        Objects.requireNonNull(notice, "notice");
        String headers = json(notice.headers());
        boolean stored = JdbcSupport.inTransaction(dataSource, "Storing a notice", connection -> {
            if (JdbcSupport.exists(connection, EXISTS, s -> s.setString(1, notice.noticeId()))) {
                return false;
            }
            // The same id inserted concurrently reruns the transaction, which then finds it.
            JdbcSupport.insertOrRerun(connection, INSERT, s -> bind(s, notice, headers));
            return true;
        });
        if (stored) {
            written();
        }
        return stored;
    }

    @Override
    public List<Notice> claim(String holder, Instant now, Instant leaseUntil, int limit) {
        Objects.requireNonNull(holder, "holder");
        long nowMillis = now.toEpochMilli();
        long until = leaseUntil.toEpochMilli();
        return JdbcSupport.read(dataSource, "Claiming notices", connection -> {
            List<String> due = JdbcSupport.queryList(connection, SELECT_DUE, s -> {
                s.setLong(1, nowMillis);
                s.setString(2, holder);
                s.setInt(3, limit);
            }, rs -> rs.getString(1));
            List<Notice> claimed = new ArrayList<>();
            for (String id : due) {
                boolean taken = JdbcSupport.execute(connection, TAKE, s -> {
                    s.setString(1, holder);
                    s.setLong(2, until);
                    s.setString(3, id);
                    s.setLong(4, nowMillis);
                    s.setString(5, holder);
                }) == 1;
                if (taken) {
                    JdbcSupport.queryOne(connection, SELECT_ONE, s -> s.setString(1, id), this::map)
                            .ifPresent(claimed::add);
                }
            }
            return claimed;
        });
    }

    @Override
    public boolean markDelivered(String noticeId, String holder, Instant at) {
        return JdbcSupport.read(dataSource, "Marking a notice delivered",
                connection -> JdbcSupport.execute(connection, DELIVERED, s -> {
                    s.setLong(1, at.toEpochMilli());
                    s.setString(2, noticeId);
                    s.setString(3, holder);
                }) == 1);
    }

    @Override
    public boolean markFailed(String noticeId, String holder, Instant retryAt, String error) {
        String message = error == null ? null : error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR) : error;
        return JdbcSupport.read(dataSource, "Recording a failed notice delivery",
                connection -> JdbcSupport.execute(connection, FAILED, s -> {
                    s.setLong(1, retryAt.toEpochMilli());
                    JdbcSupport.setNullableString(s, 2, message);
                    s.setString(3, noticeId);
                    s.setString(4, holder);
                }) == 1);
    }

    @Override
    public long countPending(String componentAppid) {
        return JdbcSupport.read(dataSource, "Counting pending notices",
                connection -> JdbcSupport.queryCount(connection, COUNT_PENDING, s -> s.setString(1, componentAppid)));
    }

    @Override
    public List<Notice> findByAuthorizer(String componentAppid, String authorizerAppid) {
        return JdbcSupport.read(dataSource, "Reading the notices of an account",
                connection -> JdbcSupport.queryList(connection, SELECT_BY_AUTHORIZER, s -> {
                    s.setString(1, componentAppid);
                    s.setString(2, authorizerAppid);
                }, this::map));
    }

    @Override
    public int purgeDelivered(Instant before) {
        return JdbcSupport.read(dataSource, "Purging delivered notices",
                connection -> JdbcSupport.execute(connection, PURGE, s -> s.setLong(1, before.toEpochMilli())));
    }

    private String sealedBody(Notice notice) {
        return sealed(notice.kind()) ? sealer.seal(notice.body(), bodyContext(notice.componentAppid())) : notice.body();
    }

    private boolean sealed(String kind) {
        return sealer != null && Notice.COMPONENT_EVENT.equals(kind);
    }

    static String bodyContext(String componentAppid) {
        return "wechat_notice.body:" + componentAppid;
    }

    private Notice map(ResultSet rs) throws SQLException {
        Map<String, String> headers;
        try {
            headers = JSON.readValue(rs.getString(6), new TypeReference<Map<String, String>>() {
            });
        } catch (JsonProcessingException e) {
            throw new StoreException(
                    "wechat_notice row " + rs.getString(1) + " has headers that are not a JSON object");
        }
        String body = sealed(rs.getString(4)) ? sealer.open(rs.getString(7), bodyContext(rs.getString(2)))
                : rs.getString(7);
        return new Notice(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), headers,
                body, Instant.ofEpochMilli(rs.getLong(8)), rs.getInt(9));
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a notice as JSON", e);
        }
    }
}
