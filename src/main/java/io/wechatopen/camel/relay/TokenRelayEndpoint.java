package io.wechatopen.camel.relay;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.wechatopen.camel.AuthorizerUnavailableException;
import io.wechatopen.camel.config.AddressRange;
import io.wechatopen.camel.config.RelaySettings;
import io.wechatopen.camel.model.AuthorizerRecord;
import io.wechatopen.camel.store.AuthorizerStore;
import io.wechatopen.camel.token.AuthorizerTokenManager;
import io.wechatopen.camel.token.ComponentTokenManager;

/**
 * The token relay of the owner instance ({@code wechat.relay.enabled = true}), for instances in relay mode:
 * <ul>
 * <li>{@code GET /relay/components/{component_appid}/token}: {@code {"access_token","expires_at","component_appid"}}
 * ({@code expires_at} in epoch seconds);</li>
 * <li>{@code GET /relay/authorizers/{authorizer_appid}/token[?component_appid=]}: the same plus
 * {@code authorizer_appid} (without {@code component_appid}, the component the account authorized);</li>
 * <li>{@code POST /relay/components/{appid}/invalid} and {@code POST /relay/authorizers/{appid}/invalid} with
 * {@code {"access_token", "component_appid"?}}: a token WeChat refused at the client; expired here (only while it is
 * still the current one), so the next request refreshes.</li>
 * </ul>
 * Checked in this order: endpoint off, 404; remote address not in {@code wechat.relay.allowed-addresses}, 403; no or
 * an unknown bearer, 401; a component the client is not allowed, 403; unknown component or account, 404; an account
 * withdrawn, needing re-authorization or ambiguous, 409; no token to be had now, 503. Errors are
 * {@code {"error","message"}} with {@code error} one of {@code NOT_FOUND}, {@code FORBIDDEN},
 * {@code UNAUTHENTICATED}, {@code BAD_REQUEST} or {@link AuthorizerUnavailableException.Reason}'s names. Every answer
 * is {@code Cache-Control: no-store}; every request is audited ({@link RelayAudit}).
 */
public final class TokenRelayEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(TokenRelayEndpoint.class);
    private static final Pattern PATH = Pattern
            .compile(".*/relay/(components|authorizers)/([A-Za-z0-9_-]{1,64})/(token|invalid)/?(\\?.*)?");
    private static final Pattern APPID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** The lifetime announced for a token whose stored expiry could not be matched (it changed meanwhile). */
    private static final Duration UNMATCHED_LIFETIME = Duration.ofMinutes(2);

    private final RelaySettings settings;
    private final RelayClients clients;
    private final ComponentTokenManager components;
    private final AuthorizerTokenManager authorizers;
    private final AuthorizerStore store;
    private final Set<String> componentAppids;
    private final RelayAudit audit;
    private final ObjectMapper mapper;
    private final Clock clock;

    public TokenRelayEndpoint(RelaySettings settings, ComponentTokenManager components,
            AuthorizerTokenManager authorizers, AuthorizerStore store, Set<String> componentAppids, ObjectMapper mapper,
            Clock clock) {
        this.settings = settings;
        this.clients = new RelayClients(settings.clients());
        this.components = components;
        this.authorizers = authorizers;
        this.store = store;
        this.componentAppids = Set.copyOf(componentAppids);
        this.audit = new RelayAudit(clock);
        this.mapper = mapper;
        this.clock = clock;
    }

    /** What a request asks, parsed from its path (appids restricted to safe characters before they are logged). */
    private record Request(String action, boolean component, String appid, String componentParameter,
            String tokenToExpire) {
    }

    /** An answer and the outcome to audit. */
    private record Answer(int status, Object body, String outcome) {
    }

    @Handler
    public void serve(Exchange exchange) throws JsonProcessingException {
        Message message = exchange.getMessage();
        String uri = message.getHeader(Exchange.HTTP_URI, "", String.class);
        String method = message.getHeader(Exchange.HTTP_METHOD, "GET", String.class);
        String authorization = message.getHeader("Authorization", String.class);
        String componentParameter = message.getHeader("component_appid", String.class);
        InetAddress remote = remoteOf(message.getHeader("CamelNettyRemoteAddress"));
        String address = remote == null ? "unknown" : remote.getHostAddress();
        String body = "POST".equals(method) ? message.getBody(String.class) : null;
        // Nothing a caller sent is echoed back.
        message.removeHeaders("*");
        Request request = parse(uri, componentParameter, body);
        Optional<RelaySettings.Client> client = Optional.empty();
        Answer answer;
        if (!settings.endpointEnabled()) {
            answer = error(404, "NOT_FOUND", "the token relay is off (wechat.relay.enabled)");
        } else if (!allowed(remote)) {
            answer = error(403, "FORBIDDEN",
                    "this address may not use the token relay (wechat.relay.allowed-addresses)");
        } else if ((client = clients.identify(authorization)).isEmpty()) {
            message.setHeader("WWW-Authenticate", "Bearer realm=\"wechat-relay\"");
            answer = error(401, "UNAUTHENTICATED",
                    "a valid bearer token of a relay client (wechat.relay.clients) is required");
        } else if (request == null || !method.equals(request.action().endsWith("-token") ? "GET" : "POST")) {
            answer = error(404, "NOT_FOUND", "use GET /relay/components/{appid}/token, GET"
                    + " /relay/authorizers/{appid}/token or POST .../invalid with {\"access_token\"}");
        } else {
            answer = answerFor(client.get(), request);
        }
        audit.record(client.map(RelaySettings.Client::name).orElse(null), address,
                request == null ? "unknown" : request.action(),
                request == null ? null : request.component() ? request.appid() : safe(request.componentParameter()),
                request == null || request.component() ? null : request.appid(), answer.status(), answer.outcome());
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, answer.status());
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        // Tokens must not be kept by any cache on the way.
        message.setHeader("Cache-Control", "no-store");
        message.setHeader("Pragma", "no-cache");
        message.setBody(mapper.writeValueAsString(answer.body()));
    }

    /** The request a path asks for, or null for another path. */
    private Request parse(String uri, String componentParameter, String body) {
        Matcher matcher = PATH.matcher(uri);
        if (!matcher.matches()) {
            return null;
        }
        boolean component = matcher.group(1).equals("components");
        String action = (component ? "component-" : "authorizer-") + matcher.group(3);
        String token = null;
        String componentAppid = componentParameter;
        if (body != null && !body.isBlank()) {
            try {
                JsonNode json = mapper.readTree(body);
                token = json.path("access_token").asText(null);
                componentAppid = json.path("component_appid").asText(componentAppid);
            } catch (JsonProcessingException e) {
                token = null;
            }
        }
        return new Request(action, component, matcher.group(2), componentAppid, token);
    }

    private Answer answerFor(RelaySettings.Client client, Request request) {
        boolean invalid = request.action().endsWith("-invalid");
        if (invalid && (request.tokenToExpire() == null || request.tokenToExpire().isEmpty())) {
            return error(400, "BAD_REQUEST", "the body must be JSON {\"access_token\": \"...\"}");
        }
        if (request.componentParameter() != null && !APPID.matcher(request.componentParameter()).matches()) {
            return error(400, "BAD_REQUEST", "component_appid is not an appid");
        }
        try {
            if (request.component()) {
                return componentAnswer(client, request.appid(), invalid ? request.tokenToExpire() : null);
            }
            return authorizerAnswer(client, request.componentParameter(), request.appid(),
                    invalid ? request.tokenToExpire() : null);
        } catch (AuthorizerUnavailableException e) {
            int status = switch (e.getReason()) {
                case UNKNOWN -> 404;
                case UNAVAILABLE -> 503;
                default -> 409;
            };
            return error(status, e.getReason().name(), e.getMessage());
        } catch (RuntimeException e) {
            // NoUsableTicket, back-off, WeChat's refusal, the database: the messages name no secret.
            LOG.warn("The token relay could not give a token ({}): {}", request.action(), e.getMessage());
            return error(503, "UNAVAILABLE", "no token can be had now: " + e.getClass().getSimpleName());
        }
    }

    private Answer componentAnswer(RelaySettings.Client client, String componentAppid, String tokenToExpire) {
        if (!componentAppids.contains(componentAppid)) {
            return error(404, "UNKNOWN", "component " + componentAppid + " is not configured here");
        }
        if (!client.allows(componentAppid)) {
            return error(403, "FORBIDDEN", "this client may not use component " + componentAppid);
        }
        if (tokenToExpire != null) {
            components.reportInvalid(componentAppid, tokenToExpire);
            return new Answer(200, Map.of("reported", true), "OK");
        }
        String token = components.accessToken(componentAppid);
        Instant expiresAt = components.storedToken(componentAppid).filter(stored -> stored.token().equals(token))
                .map(stored -> stored.expiresAt()).orElseGet(() -> clock.instant().plus(UNMATCHED_LIFETIME));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("access_token", token);
        json.put("expires_at", expiresAt.getEpochSecond());
        json.put("component_appid", componentAppid);
        return new Answer(200, json, "OK");
    }

    private Answer authorizerAnswer(RelaySettings.Client client, String componentParameter, String authorizerAppid,
            String tokenToExpire) {
        String componentAppid = componentParameter != null ? componentParameter
                : authorizers.componentOf(authorizerAppid);
        if (!componentAppids.contains(componentAppid)) {
            return error(404, "UNKNOWN", "component " + componentAppid + " is not configured here");
        }
        if (!client.allows(componentAppid)) {
            return error(403, "FORBIDDEN", "this client may not use component " + componentAppid);
        }
        if (tokenToExpire != null) {
            authorizers.reportInvalid(componentAppid, authorizerAppid, tokenToExpire);
            return new Answer(200, Map.of("reported", true), "OK");
        }
        String token = authorizers.accessToken(componentAppid, authorizerAppid);
        Instant expiresAt = store.find(componentAppid, authorizerAppid)
                .filter(record -> token.equals(record.accessToken())).map(AuthorizerRecord::accessTokenExpiresAt)
                .orElseGet(() -> clock.instant().plus(UNMATCHED_LIFETIME));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("access_token", token);
        json.put("expires_at", expiresAt.getEpochSecond());
        json.put("component_appid", componentAppid);
        json.put("authorizer_appid", authorizerAppid);
        return new Answer(200, json, "OK");
    }

    private static Answer error(int status, String error, String message) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("error", error);
        json.put("message", message);
        return new Answer(status, json, error);
    }

    private boolean allowed(InetAddress remote) {
        List<AddressRange> ranges = settings.allowedAddresses();
        return remote != null && ranges.stream().anyMatch(range -> range.contains(remote));
    }

    private static InetAddress remoteOf(Object remote) {
        return remote instanceof InetSocketAddress socket ? socket.getAddress() : null;
    }

    private static String safe(String appid) {
        return appid != null && APPID.matcher(appid).matches() ? appid : null;
    }
}
