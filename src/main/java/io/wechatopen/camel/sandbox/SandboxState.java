package io.wechatopen.camel.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.wechatopen.camel.config.ComponentSettings;

/**
 * What the simulated WeChat holds for one third-party platform: the tickets it minted, the component access tokens
 * it issued, whether its ticket push service runs, its {@link SandboxAuthorizations authorizations}, injected faults,
 * and a record of calls and pushes for tests.
 * Implements the WeChat rules of {@code api_component_token} and {@code api_start_push_ticket}; transport (HTTP,
 * JSON) is left to the routes. Thread-safe; all times come from the injected {@link Clock}.
 */
public final class SandboxState {

    /** A ticket is accepted for 12 hours after it was minted (WeChat: valid 12 h, pushed every 10 min). */
    public static final Duration TICKET_LIFETIME = Duration.ofHours(12);
    /** Lifetime of a component access token ({@code expires_in} 7200) unless configured otherwise. */
    public static final Duration TOKEN_LIFETIME = Duration.ofSeconds(7200);
    /** A superseded token stays usable this long after the next one is issued (WeChat staff: 5 minutes). */
    public static final Duration TOKEN_GRACE = Duration.ofSeconds(300);
    /** How many requests {@link #requests()} keeps. */
    public static final int REQUEST_LOG_SIZE = 100;
    /** How many push results {@link #pushResults()} keeps. */
    public static final int PUSH_LOG_SIZE = 20;

    /** Tickets and tokens this far past their end are forgotten (and then answered as unknown). */
    private static final Duration FORGET_AFTER = Duration.ofDays(7);
    private static final int TICKET_RANDOM_LENGTH = 86;
    private static final int TOKEN_RANDOM_LENGTH = 154;

    private final ComponentSettings component;
    private final Clock clock;
    private final Duration tokenLifetime;
    private final SandboxFaults faults = new SandboxFaults();
    private final SandboxAuthorizations authorizations;
    private final SandboxOAuth oauth;
    /** getticket's tickets (JS-SDK on behalf, issue 10). */
    private final SandboxAuthorizerTickets authorizerTickets;

    private final Map<String, Instant> tickets = new HashMap<>();
    private SandboxTicket latestTicket;
    private long ticketsMinted;

    private final Map<String, SandboxIssuedToken> tokens = new HashMap<>();
    private SandboxIssuedToken currentToken;
    private long tokensIssued;

    private boolean pushServiceRunning = true;

    private final Map<String, Long> calls = new TreeMap<>();
    private final Deque<SandboxRequest> requests = new ArrayDeque<>();
    private final Deque<SandboxPushResult> pushResults = new ArrayDeque<>();
    private final List<Consumer<SandboxRequest>> requestListeners = new CopyOnWriteArrayList<>();

    /**
     * @param component the credentials the simulated WeChat expects (appid, secret) and pushes for
     * @param clock the source of every time the sandbox uses
     */
    public SandboxState(ComponentSettings component, Clock clock) {
        this(component, clock, TOKEN_LIFETIME);
    }

    /**
     * @param component the credentials the simulated WeChat expects (appid, secret) and pushes for
     * @param clock the source of every time the sandbox uses
     * @param tokenLifetime {@code wechat.sandbox.token-lifetime}: {@code expires_in} and real lifetime of the
     *        component and authorizer access tokens issued (WeChat: 7200 s)
     */
    public SandboxState(ComponentSettings component, Clock clock, Duration tokenLifetime) {
        this.component = Objects.requireNonNull(component, "component");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.tokenLifetime = Objects.requireNonNull(tokenLifetime, "tokenLifetime");
        if (tokenLifetime.toSeconds() < 1) {
            throw new IllegalArgumentException("tokenLifetime must be at least 1 s");
        }
        this.authorizations = new SandboxAuthorizations(component.appid(), clock, tokenLifetime);
        this.oauth = new SandboxOAuth(component.appid(), clock);
        this.authorizerTickets = new SandboxAuthorizerTickets(tokenLifetime);
    }

    /** The component (third-party platform) this sandbox serves. */
    public ComponentSettings component() {
        return component;
    }

    /** The clock the sandbox reads time from. */
    public Clock clock() {
        return clock;
    }

    /** The injected faults. */
    public SandboxFaults faults() {
        return faults;
    }

    /** Pre-authorization codes, authorization codes and the accounts that authorized the platform. */
    public SandboxAuthorizations authorizations() {
        return authorizations;
    }

    /** Web authorization codes, users' OAuth tokens and mini-program login codes (issue 10). */
    public SandboxOAuth oauth() {
        return oauth;
    }

    /** The tickets issued through getticket ({@code jsapi_ticket}s). */
    public SandboxAuthorizerTickets authorizerTickets() {
        return authorizerTickets;
    }

    /**
     * Mints a new ticket and remembers its mint time.
     *
     * @return {@code ticket@@@} followed by 86 random url-safe characters
     */
    public String mintTicket() {
        return issueTicket().value();
    }

    /** Mints a new ticket, like {@link #mintTicket()}, and returns it with its mint time. */
    public synchronized SandboxTicket issueTicket() {
        Instant now = clock.instant();
        tickets.values().removeIf(created -> created.plus(TICKET_LIFETIME).plus(FORGET_AFTER).isBefore(now));
        SandboxTicket ticket = new SandboxTicket("ticket@@@" + SandboxRandom.urlSafe(TICKET_RANDOM_LENGTH), now);
        tickets.put(ticket.value(), now);
        latestTicket = ticket;
        ticketsMinted++;
        return ticket;
    }

    /** The most recently minted ticket, if any. */
    public synchronized Optional<SandboxTicket> latestTicket() {
        return Optional.ofNullable(latestTicket);
    }

    /** How many tickets were minted since start. */
    public synchronized long ticketsMinted() {
        return ticketsMinted;
    }

    /**
     * Checks a ticket as {@code api_component_token} does.
     *
     * @return 0 when it was minted here within the last 12 h, 61005 when it is older, 61006 when unknown or empty
     */
    public synchronized int checkTicket(String ticket) {
        Instant created = ticket == null ? null : tickets.get(ticket);
        if (created == null) {
            return SandboxErrors.TICKET_INVALID;
        }
        return clock.instant().isAfter(created.plus(TICKET_LIFETIME)) ? SandboxErrors.TICKET_EXPIRED
                : SandboxErrors.OK;
    }

    /** Whether WeChat's ticket push service runs for this platform (it does until stopped). */
    public synchronized boolean pushServiceRunning() {
        return pushServiceRunning;
    }

    /** Stops the push service, as WeChat may after repeated failed pushes; no tickets are pushed until restarted. */
    public synchronized void stopPushService() {
        pushServiceRunning = false;
    }

    /**
     * Starts the push service.
     *
     * @return whether it was stopped before
     */
    public synchronized boolean startPushService() {
        boolean wasStopped = !pushServiceRunning;
        pushServiceRunning = true;
        return wasStopped;
    }

    /**
     * {@code api_component_token}: checks the credentials and the ticket and issues a new component access token.
     * The new token supersedes the current one, which stays valid for {@link #TOKEN_GRACE} (never beyond its own
     * expiry).
     *
     * @return {@code {"component_access_token":..., "expires_in":7200}} (no errcode, as WeChat; the configured
     *         token lifetime in seconds), or an error body
     *         with 41004 (secret missing), 40013 (wrong appid), 40125 (wrong secret), 61006 (ticket unknown) or
     *         61005 (ticket older than 12 h)
     */
    public synchronized Map<String, Object> componentToken(String appid, String appsecret, String ticket) {
        Instant now = clock.instant();
        if (appsecret == null || appsecret.isEmpty()) {
            return SandboxErrors.body(SandboxErrors.APPSECRET_MISSING, now);
        }
        if (!component.appid().equals(appid)) {
            return SandboxErrors.body(SandboxErrors.INVALID_APPID, now);
        }
        if (!secretMatches(appsecret)) {
            return SandboxErrors.body(SandboxErrors.INVALID_APPSECRET, now);
        }
        int ticketCheck = checkTicket(ticket);
        if (ticketCheck != SandboxErrors.OK) {
            return SandboxErrors.body(ticketCheck, now);
        }
        SandboxIssuedToken issued = issueToken(now);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("component_access_token", issued.value());
        body.put("expires_in", tokenLifetime.toSeconds());
        return body;
    }

    private SandboxIssuedToken issueToken(Instant now) {
        tokens.values().removeIf(t -> t.expiresAt().plus(FORGET_AFTER).isBefore(now));
        if (currentToken != null) {
            currentToken.supersede(now, TOKEN_GRACE);
        }
        SandboxIssuedToken token = new SandboxIssuedToken("88_" + SandboxRandom.urlSafe(TOKEN_RANDOM_LENGTH),
                now.plus(tokenLifetime));
        tokens.put(token.value(), token);
        currentToken = token;
        tokensIssued++;
        return token;
    }

    /**
     * Checks a component access token as the APIs that take one do.
     *
     * @return 0 when usable, 41001 when missing, 42001 when past its expiry, 40001 when unknown or superseded
     *         longer than {@link #TOKEN_GRACE} ago
     */
    public synchronized int checkComponentToken(String token) {
        if (token == null || token.isEmpty()) {
            return SandboxErrors.ACCESS_TOKEN_MISSING;
        }
        SandboxIssuedToken issued = tokens.get(token);
        return issued == null ? SandboxErrors.INVALID_CREDENTIAL : issued.check(clock.instant());
    }

    /** How many component access tokens were issued since start. */
    public synchronized long tokensIssued() {
        return tokensIssued;
    }

    /** When the newest component access token expires, if one was issued. */
    public synchronized Optional<Instant> currentTokenExpiresAt() {
        return Optional.ofNullable(currentToken).map(SandboxIssuedToken::expiresAt);
    }

    /**
     * {@code api_start_push_ticket}: checks the credentials (body field {@code component_secret}) and (re)starts the
     * push service. On success the caller pushes a ticket right away.
     *
     * @return {@code {"errcode":0,"errmsg":"ok"}} when the service was stopped, {@code "in a normal state"} when it
     *         already ran (as WeChat documents), or an error body with 41004, 40013 or 40125
     */
    public synchronized Map<String, Object> startPushTicket(String appid, String secret) {
        Instant now = clock.instant();
        if (secret == null || secret.isEmpty()) {
            return SandboxErrors.body(SandboxErrors.APPSECRET_MISSING, now);
        }
        if (!component.appid().equals(appid)) {
            return SandboxErrors.body(SandboxErrors.INVALID_APPID, now);
        }
        if (!secretMatches(secret)) {
            return SandboxErrors.body(SandboxErrors.INVALID_APPSECRET, now);
        }
        return SandboxErrors.ok(startPushService() ? "ok" : "in a normal state");
    }

    /** Whether {@code given} is the platform's AppSecret (constant-time). */
    boolean secretMatches(String given) {
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                component.appsecret().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Counts a call of {@code api} and appends it to the request log (the oldest entry leaves after
     * {@link #REQUEST_LOG_SIZE}).
     *
     * @param body the parsed JSON body, the raw text, or {@code null}
     */
    public synchronized SandboxRequest recordCall(String api, String query, Object body) {
        calls.merge(api, 1L, Long::sum);
        SandboxRequest request = new SandboxRequest(api, clock.instant(), query, body);
        requests.addLast(request);
        while (requests.size() > REQUEST_LOG_SIZE) {
            requests.removeFirst();
        }
        requestListeners.forEach(listener -> listener.accept(request));
        return request;
    }

    /**
     * Tells {@code listener} of every API request from now on, in arrival order, beyond the log's
     * {@link #REQUEST_LOG_SIZE} (tests that count calls per account over many refresh cycles). The listener runs
     * while the state is locked: it must only record.
     */
    public void addRequestListener(Consumer<SandboxRequest> listener) {
        requestListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** How often {@code api} was called. */
    public synchronized long calls(String api) {
        return calls.getOrDefault(api, 0L);
    }

    /** Calls per API name. */
    public synchronized Map<String, Long> calls() {
        return Map.copyOf(calls);
    }

    /** The last requests, oldest first. */
    public synchronized List<SandboxRequest> requests() {
        return List.copyOf(requests);
    }

    /** The last request of {@code api}, if any is still in the log. */
    public synchronized Optional<SandboxRequest> lastRequest(String api) {
        return requests.stream().filter(r -> r.api().equals(api)).reduce((first, second) -> second);
    }

    /** Appends a push result (the oldest leaves after {@link #PUSH_LOG_SIZE}). */
    public synchronized void recordPush(SandboxPushResult result) {
        pushResults.addLast(result);
        while (pushResults.size() > PUSH_LOG_SIZE) {
            pushResults.removeFirst();
        }
    }

    /** The last push results, oldest first. */
    public synchronized List<SandboxPushResult> pushResults() {
        return List.copyOf(pushResults);
    }

    /**
     * Everything the sandbox holds, as plain maps and lists for a JSON view. Ticket values are included: this is
     * the simulated WeChat's own view.
     */
    public synchronized Map<String, Object> snapshot() {
        Instant now = clock.instant();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("time", now.toString());
        view.put("component_appid", component.appid());
        view.put("push_service_running", pushServiceRunning);
        view.put("token_lifetime_seconds", tokenLifetime.toSeconds());

        Map<String, Object> ticketView = new LinkedHashMap<>();
        ticketView.put("count", ticketsMinted);
        ticketView.put("latest", latestTicket == null ? null : latestTicket.value());
        ticketView.put("latest_create_time", latestTicket == null ? null : latestTicket.createdAt().getEpochSecond());
        ticketView.put("latest_created_at", latestTicket == null ? null : latestTicket.createdAt().toString());
        view.put("tickets", ticketView);

        Map<String, Object> tokenView = new LinkedHashMap<>();
        tokenView.put("issued", tokensIssued);
        tokenView.put("current_expires_at", currentToken == null ? null : currentToken.expiresAt().toString());
        tokenView.put("current_expires_in", currentToken == null ? null
                : Math.max(0, Duration.between(now, currentToken.expiresAt()).toSeconds()));
        view.put("component_tokens", tokenView);

        view.putAll(authorizations.snapshot());
        view.put("oauth", oauth.snapshot());
        view.put("authorizer_tickets", authorizerTickets.view(now));
        view.put("calls", new TreeMap<>(calls));
        Map<String, Object> faultView = new LinkedHashMap<>();
        faults.pending().forEach((api, list) -> faultView.put(api, list.stream().map(SandboxFault::toMap).toList()));
        view.put("faults", faultView);
        view.put("pushes", pushResults.stream().map(SandboxPushResult::toMap).toList());
        view.put("requests", requests.stream().map(SandboxRequest::toMap).toList());
        return view;
    }
}
