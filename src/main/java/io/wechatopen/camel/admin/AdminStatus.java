package io.wechatopen.camel.admin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.apache.camel.Message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.wechatopen.camel.cluster.NodeHeartbeat;
import io.wechatopen.camel.config.TokenPolicy;
import io.wechatopen.camel.model.ClusterNode;
import io.wechatopen.camel.model.ComponentAccessToken;
import io.wechatopen.camel.model.ComponentObservation;
import io.wechatopen.camel.model.ComponentVerifyTicket;
import io.wechatopen.camel.store.AuthorizerStore;
import io.wechatopen.camel.store.NoticeStore;
import io.wechatopen.camel.store.PushStore;
import io.wechatopen.camel.store.TicketStore;
import io.wechatopen.camel.token.AuthorizerReconciler;
import io.wechatopen.camel.token.ComponentHealth;
import io.wechatopen.camel.token.ComponentTokenManager;

/**
 * {@code GET /admin/status}: for each component, the ticket's age and CreateTime, the component token's expiry,
 * the authorizers by status, the undelivered notices ({@code notices_pending}) and the last success and failure of
 * its upkeep; and the instances seen in the last two minutes ({@code instances}: node_id, started_at, last_seen,
 * host), as JSON. Everything but the last reconciliation is read from the database, so every instance on one
 * database answers the same. Requires
 * {@code Authorization: Bearer {{wechat.admin.token}}} (compared in constant time). Never shows a ticket, token or
 * secret value.
 */
public final class AdminStatus {

    private final AdminBearer bearer;
    private final ComponentTokenManager tokens;
    private final TicketStore tickets;
    private final PushStore pushes;
    private final AuthorizerStore authorizers;
    private final AuthorizerReconciler reconciler;
    private final ComponentHealth health;
    private final TokenPolicy policy;
    private final Clock clock;
    private final ObjectMapper mapper;
    private final NoticeStore notices;
    private final NodeHeartbeat nodes;
    private final List<ComponentSection> sections;

    /**
     * A further block of each component's status, added by a feature of its own (e.g. {@code quota}, issue 10).
     *
     * @param name the block's key in the component's JSON
     * @param view the block of a component appid (read from the database; never a secret)
     */
    public record ComponentSection(String name, Function<String, Object> view) {
    }

    public AdminStatus(AdminBearer bearer, ComponentTokenManager tokens, TicketStore tickets, PushStore pushes,
            AuthorizerStore authorizers, AuthorizerReconciler reconciler, ComponentHealth health, TokenPolicy policy,
            Clock clock, ObjectMapper mapper, NoticeStore notices, NodeHeartbeat nodes) {
        this(bearer, tokens, tickets, pushes, authorizers, reconciler, health, policy, clock, mapper, notices, nodes,
                List.of());
    }

    /** As the other constructor, with further blocks per component ({@link ComponentSection}). */
    public AdminStatus(AdminBearer bearer, ComponentTokenManager tokens, TicketStore tickets, PushStore pushes,
            AuthorizerStore authorizers, AuthorizerReconciler reconciler, ComponentHealth health, TokenPolicy policy,
            Clock clock, ObjectMapper mapper, NoticeStore notices, NodeHeartbeat nodes,
            List<ComponentSection> sections) {
        this.bearer = bearer;
        this.tokens = tokens;
        this.tickets = tickets;
        this.pushes = pushes;
        this.authorizers = authorizers;
        this.reconciler = reconciler;
        this.health = health;
        this.policy = policy;
        this.clock = clock;
        this.mapper = mapper;
        this.notices = notices;
        this.nodes = nodes;
        this.sections = List.copyOf(sections);
    }

    @Handler
    public void status(Exchange exchange) throws JsonProcessingException {
        if (!bearer.admit(exchange)) {
            return;
        }
        Message message = exchange.getMessage();
        Map<String, Object> body = view();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(mapper.writeValueAsString(body));
    }

    /** The status of every component, as the JSON of {@code GET /admin/status} shows it. */
    public Map<String, Object> view() {
        Instant now = clock.instant();
        List<Map<String, Object>> components = new ArrayList<>();
        for (String appid : new java.util.TreeSet<>(tokens.componentAppids())) {
            components.add(component(appid, now));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("time", now.toString());
        body.put("components", components);
        List<Map<String, Object>> instances = new ArrayList<>();
        for (ClusterNode node : nodes.instances()) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("node_id", node.nodeId());
            view.put("started_at", node.startedAt().toString());
            view.put("last_seen", node.lastSeen().toString());
            view.put("host", node.host());
            instances.add(view);
        }
        body.put("instances", instances);
        return body;
    }

    private Map<String, Object> component(String appid, Instant now) {
        Map<String, Object> component = new LinkedHashMap<>();
        component.put("component_appid", appid);
        Optional<ComponentVerifyTicket> ticket = tickets.findTicket(appid);
        Map<String, Object> ticketView = new LinkedHashMap<>();
        ticketView.put("present", ticket.isPresent());
        ticket.ifPresent(t -> {
            ticketView.put("create_time", t.createTime().getEpochSecond());
            ticketView.put("create_time_iso", t.createTime().toString());
            ticketView.put("age_seconds", t.ageAt(now).toSeconds());
            ticketView.put("received_at", t.receivedAt().toString());
            ticketView.put("usable", t.isUsableAt(now, policy.ticketMaxAge()));
        });
        component.put("ticket", ticketView);

        Optional<ComponentAccessToken> token = tokens.storedToken(appid);
        Map<String, Object> tokenView = new LinkedHashMap<>();
        tokenView.put("present", token.isPresent());
        token.ifPresent(t -> {
            tokenView.put("valid", t.isValidAt(now, Duration.ZERO));
            tokenView.put("obtained_at", t.obtainedAt().toString());
            tokenView.put("expires_at", t.expiresAt().toString());
            tokenView.put("expires_in_seconds", Math.max(0, Duration.between(now, t.expiresAt()).toSeconds()));
        });
        component.put("component_token", tokenView);
        component.put("events_received", pushes.countEvents(appid));
        component.put("authorizers", authorizers.countByStatus(appid));
        component.put("authorizers_with_valid_token", authorizers.countWithValidToken(appid, now));
        component.put("notices_pending", notices.countPending(appid));
        reconciler.last(appid).ifPresent(r -> {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("at", r.at().toString());
            view.put("listed", r.listed());
            view.put("added", r.added().size());
            view.put("recovered", r.recovered().size());
            view.put("drift", r.drift());
            component.put("last_reconciliation", view);
        });
        health.lastSuccess(appid).ifPresent(o -> component.put("last_success", observation(o)));
        health.lastFailure(appid).ifPresent(o -> component.put("last_error", observation(o)));
        for (ComponentSection section : sections) {
            component.put(section.name(), section.view().apply(appid));
        }
        return component;
    }

    private static Map<String, Object> observation(ComponentObservation o) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("at", o.at().toString());
        view.put("operation", o.operation());
        if (o.errcode() != null) {
            view.put("errcode", o.errcode());
        }
        view.put("message", o.message());
        return view;
    }
}
