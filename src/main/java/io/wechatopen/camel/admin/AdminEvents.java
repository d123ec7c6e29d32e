package io.wechatopen.camel.admin;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.apache.camel.Message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.wechatopen.camel.store.JdbcPushStore;
import io.wechatopen.camel.store.PushStore;

/**
 * The recorded pushes for an operator, behind {@code Authorization: Bearer {{wechat.admin.token}}} (compared in
 * constant time): {@code GET /admin/events?status=FAILED} lists the events of every configured component in that
 * status (RECEIVED, PROCESSED or FAILED; FAILED when not given) as a JSON array of {@code id},
 * {@code component_appid}, {@code info_type}, {@code authorizer_appid}, {@code create_time} (ISO-8601),
 * {@code status}, {@code attempts}, {@code last_error}; never the payload. {@code POST /admin/events/{id}/retry}
 * makes a FAILED event RECEIVED, due now, attempts reset (200), or answers 404 for an unknown id, 409 when the event
 * is not FAILED; on 200 the header {@value #RETRIED} is true, and the route wakes the processing.
 */
public final class AdminEvents {

    /** Header set to true when an event was put back for processing. */
    public static final String RETRIED = "WeChatEventRetried";

    /** The most events listed per component. */
    static final int LIST_LIMIT = 500;

    private static final Pattern RETRY_PATH = Pattern.compile(".*/admin/events/([A-Za-z0-9-]{1,64})/retry/?");
    private static final Set<String> STATUSES = Set.of(JdbcPushStore.STATUS_RECEIVED, JdbcPushStore.STATUS_PROCESSED,
            JdbcPushStore.STATUS_FAILED);

    private final AdminBearer bearer;
    private final Set<String> componentAppids;
    private final PushStore pushes;
    private final Clock clock;
    private final ObjectMapper mapper;

    public AdminEvents(AdminBearer bearer, Set<String> componentAppids, PushStore pushes, Clock clock,
            ObjectMapper mapper) {
        this.bearer = bearer;
        this.componentAppids = new TreeSet<>(componentAppids);
        this.pushes = pushes;
        this.clock = clock;
        this.mapper = mapper;
    }

    @Handler
    public void list(Exchange exchange) throws JsonProcessingException {
        Message message = exchange.getMessage();
        String status = message.getHeader("status", JdbcPushStore.STATUS_FAILED, String.class);
        if (!bearer.admit(exchange)) {
            return;
        }
        List<Map<String, Object>> events;
        try {
            events = events(status);
        } catch (IllegalArgumentException e) {
            answer(message, 400, Map.of("error", e.getMessage()));
            return;
        }
        answer(message, 200, events);
    }

    /**
     * The recorded pushes of every component in {@code status} (at most {@value #LIST_LIMIT} each), as the JSON of
     * {@code GET /admin/events} shows them: never a payload.
     *
     * @throws IllegalArgumentException when {@code status} is not RECEIVED, PROCESSED or FAILED
     */
    public List<Map<String, Object>> events(String status) {
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException("status must be one of " + new TreeSet<>(STATUSES));
        }
        List<Map<String, Object>> events = new ArrayList<>();
        for (String appid : componentAppids) {
            for (PushStore.EventSummary event : pushes.findByStatus(appid, status, LIST_LIMIT)) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("id", event.id());
                json.put("component_appid", event.componentAppid());
                json.put("info_type", event.infoType());
                json.put("authorizer_appid", event.authorizerAppid());
                json.put("create_time", event.createTime().toString());
                json.put("status", event.status());
                json.put("attempts", event.attempts());
                json.put("last_error", event.lastError());
                events.add(json);
            }
        }
        return events;
    }

    @Handler
    public void retry(Exchange exchange) throws JsonProcessingException {
        Message message = exchange.getMessage();
        String path = message.getHeader(Exchange.HTTP_URI, String.class);
        if (!bearer.admit(exchange)) {
            return;
        }
        Matcher matcher = RETRY_PATH.matcher(path == null ? "" : path.replaceFirst("\\?.*$", ""));
        if (!matcher.matches()) {
            answer(message, 404, Map.of("error", "use POST /admin/events/{id}/retry"));
            return;
        }
        String id = matcher.group(1);
        PushStore.RetryOutcome outcome = PushStore.RetryOutcome.UNKNOWN;
        for (String appid : componentAppids) {
            outcome = pushes.retryFailed(appid, id, clock.instant());
            if (outcome != PushStore.RetryOutcome.UNKNOWN) {
                break;
            }
        }
        switch (outcome) {
            case RETRIED -> {
                answer(message, 200, Map.of("id", id, "status", JdbcPushStore.STATUS_RECEIVED));
                message.setHeader(RETRIED, true);
            }
            case NOT_FAILED -> answer(message, 409, Map.of("error", "event " + id + " is not FAILED"));
            default -> answer(message, 404, Map.of("error", "no event " + id));
        }
    }

    private void answer(Message message, int status, Object body) throws JsonProcessingException {
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(mapper.writeValueAsString(body));
    }
}
