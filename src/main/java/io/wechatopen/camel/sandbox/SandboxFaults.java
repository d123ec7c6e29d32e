package io.wechatopen.camel.sandbox;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Queues of injected faults, one first-in-first-out queue per API name. Every call of an API takes one use of the
 * fault at the head of its queue; a fault leaves the queue when its count is used up. Thread-safe.
 */
public final class SandboxFaults {

    /** {@code POST /cgi-bin/component/api_component_token}. */
    public static final String API_COMPONENT_TOKEN = "api_component_token";
    /** {@code POST /cgi-bin/component/api_start_push_ticket}. */
    public static final String API_START_PUSH_TICKET = "api_start_push_ticket";
    /** {@code POST /cgi-bin/component/api_create_preauthcode}. */
    public static final String API_CREATE_PREAUTHCODE = "api_create_preauthcode";
    /** {@code POST /cgi-bin/component/api_query_auth}. */
    public static final String API_QUERY_AUTH = "api_query_auth";
    /** {@code POST /cgi-bin/component/api_authorizer_token}. */
    public static final String API_AUTHORIZER_TOKEN = "api_authorizer_token";
    /** {@code POST /cgi-bin/component/api_get_authorizer_info}. */
    public static final String API_GET_AUTHORIZER_INFO = "api_get_authorizer_info";
    /** {@code POST /cgi-bin/component/api_get_authorizer_list}. */
    public static final String API_GET_AUTHORIZER_LIST = "api_get_authorizer_list";
    /** {@code POST /cgi-bin/component/api_get_authorizer_option} (component token). */
    public static final String API_GET_AUTHORIZER_OPTION = "api_get_authorizer_option";
    /** {@code POST /cgi-bin/component/api_set_authorizer_option} (component token). */
    public static final String API_SET_AUTHORIZER_OPTION = "api_set_authorizer_option";
    /** {@code POST /cgi-bin/component/get_authorizer_option} (authorizer token). */
    public static final String GET_AUTHORIZER_OPTION = "get_authorizer_option";
    /** {@code POST /cgi-bin/component/set_authorizer_option} (authorizer token). */
    public static final String SET_AUTHORIZER_OPTION = "set_authorizer_option";
    /** {@code GET|POST /cgi-bin/getcallbackip} (authorizer or component token). */
    public static final String GETCALLBACKIP = "getcallbackip";
    /** {@code GET /cgi-bin/user/info} (authorizer token). */
    public static final String USER_INFO = "user_info";
    /** {@code POST /cgi-bin/message/custom/send} (authorizer token): a customer-service message. */
    public static final String SEND = "send";
    /** {@code GET /sns/oauth2/component/access_token} (component token): a web authorization code exchanged. */
    public static final String ACCESS_TOKEN = "access_token";
    /** {@code GET /sns/oauth2/component/refresh_token} (component token): a user's OAuth token refreshed. */
    public static final String REFRESH_TOKEN = "refresh_token";
    /** {@code GET /sns/userinfo} (the user's OAuth token). */
    public static final String USERINFO = "userinfo";
    /** {@code GET /sns/component/jscode2session} (component token): a mini-program login. */
    public static final String JSCODE2SESSION = "jscode2session";
    /** {@code GET /cgi-bin/ticket/getticket} (authorizer token): jsapi / wx_card tickets. */
    public static final String GETTICKET = "getticket";
    /** A {@code component_verify_ticket} push to the 授权事件接收URL. */
    /** {@code /cgi-bin/openapi/quota/get} (getApiQuota). */
    public static final String QUOTA_GET = "quota_get";
    /** {@code /cgi-bin/component/clear_quota/v2}. */
    public static final String CLEAR_QUOTA_V2 = "clear_quota_v2";
    public static final String TICKET_PUSH = "ticket_push";
    /** An {@code authorized}, {@code updateauthorized} or {@code unauthorized} push to the 授权事件接收URL. */
    public static final String AUTHORIZATION_PUSH = "authorization_push";

    /** Every API name a fault may target. */
    public static final Set<String> APIS = Set.of(API_COMPONENT_TOKEN, API_START_PUSH_TICKET, API_CREATE_PREAUTHCODE,
            API_QUERY_AUTH, API_AUTHORIZER_TOKEN, API_GET_AUTHORIZER_INFO, API_GET_AUTHORIZER_LIST,
            API_GET_AUTHORIZER_OPTION, API_SET_AUTHORIZER_OPTION, GET_AUTHORIZER_OPTION, SET_AUTHORIZER_OPTION,
            GETCALLBACKIP, USER_INFO, SEND, TICKET_PUSH, AUTHORIZATION_PUSH, QUOTA_GET, CLEAR_QUOTA_V2, ACCESS_TOKEN,
            REFRESH_TOKEN, USERINFO, JSCODE2SESSION, GETTICKET);
    /** The API names that are pushes (sent by the sandbox): only these accept {@code drop}. */
    public static final Set<String> PUSHES = Set.of(TICKET_PUSH, AUTHORIZATION_PUSH);

    private final Map<String, Deque<Pending>> queues = new HashMap<>();

    /**
     * Appends a fault to its API's queue.
     *
     * @throws IllegalArgumentException when the API is unknown or the fault does not fit it (drop on a request API,
     *         errcode, HTTP status or lose_reply on a push)
     */
    public synchronized void add(SandboxFault fault) {
        if (!APIS.contains(fault.api())) {
            throw new IllegalArgumentException(
                    "unknown api '" + fault.api() + "'; known: " + APIS.stream().sorted().toList());
        }
        boolean push = PUSHES.contains(fault.api());
        if (fault.drop() && !push) {
            throw new IllegalArgumentException("drop applies only to pushes " + PUSHES);
        }
        if (push && fault.loseReply()) {
            throw new IllegalArgumentException("lose_reply applies only to request APIs, not to pushes " + PUSHES
                    + " (use drop)");
        }
        if (push && (fault.errcode() != null || fault.httpStatus() != null)) {
            throw new IllegalArgumentException("a push takes only latency_ms or drop");
        }
        queues.computeIfAbsent(fault.api(), k -> new ArrayDeque<>()).addLast(new Pending(fault, fault.count()));
    }

    /**
     * Takes one use of the next fault for {@code api}.
     *
     * @return the fault to apply to this call, or empty when none is queued
     */
    public synchronized Optional<SandboxFault> take(String api) {
        Deque<Pending> queue = queues.get(api);
        if (queue == null || queue.isEmpty()) {
            return Optional.empty();
        }
        Pending head = queue.peekFirst();
        head.remaining--;
        if (head.remaining == 0) {
            queue.removeFirst();
        }
        return Optional.of(head.fault);
    }

    /**
     * Removes every queued fault.
     *
     * @return how many faults were removed
     */
    public synchronized int clear() {
        int removed = queues.values().stream().mapToInt(Deque::size).sum();
        queues.clear();
        return removed;
    }

    /** The queued faults per API, each with its remaining count; APIs without faults are left out. */
    public synchronized Map<String, List<SandboxFault>> pending() {
        Map<String, List<SandboxFault>> view = new LinkedHashMap<>();
        APIS.stream().sorted().forEach(api -> {
            Deque<Pending> queue = queues.get(api);
            if (queue != null && !queue.isEmpty()) {
                List<SandboxFault> faults = new ArrayList<>();
                queue.forEach(p -> faults.add(p.fault.withCount(p.remaining)));
                view.put(api, List.copyOf(faults));
            }
        });
        return view;
    }

    private static final class Pending {
        private final SandboxFault fault;
        private int remaining;

        private Pending(SandboxFault fault, int remaining) {
            this.fault = fault;
            this.remaining = remaining;
        }
    }
}
