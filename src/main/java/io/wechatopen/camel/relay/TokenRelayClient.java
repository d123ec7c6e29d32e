package io.wechatopen.camel.relay;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.wechatopen.camel.config.RelaySettings;

/**
 * Calls the owner's relay endpoint ({@code wechat.relay.url}) with this instance's bearer
 * ({@code wechat.relay.client-secret}) over {@link HttpClient}, with {@code wechat.relay.timeout} for the connection
 * and for the answer. The relay URL may appear in messages; the bearer and the tokens never do. Thread-safe.
 */
public final class TokenRelayClient {

    private final String baseUrl;
    private final String authorization;
    private final Duration timeout;
    private final HttpClient http;
    private final ObjectMapper mapper;

    public TokenRelayClient(RelaySettings settings, ObjectMapper mapper) {
        this.baseUrl = settings.url();
        this.authorization = "Bearer " + settings.clientSecret();
        this.timeout = settings.timeout();
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.mapper = mapper;
    }

    /** {@code GET /relay/components/{appid}/token}. */
    public RelayedToken componentToken(String componentAppid) {
        return token("/relay/components/" + encode(componentAppid) + "/token");
    }

    /** {@code GET /relay/authorizers/{appid}/token[?component_appid=]}; {@code componentAppid} may be null. */
    public RelayedToken authorizerToken(String componentAppid, String authorizerAppid) {
        return token("/relay/authorizers/" + encode(authorizerAppid) + "/token"
                + (componentAppid == null ? "" : "?component_appid=" + encode(componentAppid)));
    }

    /** {@code POST /relay/components/{appid}/invalid} with {@code {"access_token"}}. */
    public void reportComponentInvalid(String componentAppid, String token) {
        post("/relay/components/" + encode(componentAppid) + "/invalid", Map.of("access_token", token));
    }

    /** {@code POST /relay/authorizers/{appid}/invalid} with {@code {"access_token", "component_appid"?}}. */
    public void reportAuthorizerInvalid(String componentAppid, String authorizerAppid, String token) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("access_token", token);
        if (componentAppid != null) {
            body.put("component_appid", componentAppid);
        }
        post("/relay/authorizers/" + encode(authorizerAppid) + "/invalid", body);
    }

    /** The relay's base URL, for messages. */
    public String baseUrl() {
        return baseUrl;
    }

    private RelayedToken token(String path) {
        JsonNode answer = send(request(path).GET().build(), path);
        String token = answer.path("access_token").asText("");
        long expiresAt = answer.path("expires_at").asLong(0);
        if (token.isEmpty() || expiresAt <= 0) {
            throw new TokenRelayException(200, "UNAVAILABLE", "the token relay " + baseUrl + path
                    + " answered without access_token or expires_at");
        }
        return new RelayedToken(token, Instant.ofEpochSecond(expiresAt), answer.path("component_appid").asText(null));
    }

    private void post(String path, Map<String, String> body) {
        try {
            send(request(path).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body))).build(), path);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the relay request", e);
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout)
                .header("Authorization", authorization).header("Accept", "application/json");
    }

    private JsonNode send(HttpRequest request, String path) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new TokenRelayException("the token relay " + baseUrl + path + " cannot be reached ("
                    + e.getClass().getSimpleName() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenRelayException("interrupted while calling the token relay " + baseUrl + path, e);
        }
        JsonNode answer = parse(response.body());
        int status = response.statusCode();
        if (status == 200) {
            return answer;
        }
        String error = answer.path("error").asText(status == 401 ? "UNAUTHENTICATED" : "UNAVAILABLE");
        String reason = switch (status) {
            case 401 -> "it refused this instance's bearer (check wechat.relay.client-secret against"
                    + " wechat.relay.clients there)";
            case 403 -> "it refused this instance (its address or this component is not allowed there:"
                    + " wechat.relay.allowed-addresses, wechat.relay.clients)";
            default -> answer.path("message").asText("answered HTTP " + status);
        };
        throw new TokenRelayException(status, error, "the token relay " + baseUrl + path + ": " + reason);
    }

    private JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? mapper.createObjectNode() : mapper.readTree(body);
        } catch (IOException e) {
            return mapper.createObjectNode();
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
