package io.wechatopen.camel.sandbox;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

import org.apache.camel.Exchange;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Serves the simulated authorization APIs over HTTP and delegates to {@link SandboxAuthorizations}: those that take
 * the component access token ({@code ?component_access_token=}, or {@code ?access_token=} as the newer docs write)
 * and those that take an authorizer access token ({@code ?access_token=}). Each API route calls
 * {@link SandboxApiHandler#admit} first, waits {@link SandboxReply#LATENCY_MS}, then calls the API's method here.
 * Checks go in WeChat's order: injected fault, token, JSON body (47001), then the API's own rules.
 */
public final class SandboxAuthorizerApiHandler {

    private final SandboxState state;
    private final SandboxApiHandler api;

    /**
     * @param state the sandbox state (component tokens, authorizations)
     * @param api the handler that admitted the call: its fault and reply helpers are reused
     */
    public SandboxAuthorizerApiHandler(SandboxState state, SandboxApiHandler api) {
        this.state = state;
        this.api = api;
    }

    /** {@code api_create_preauthcode}, body {@code component_appid}. */
    public void createPreAuthCode(Exchange exchange) {
        componentApi(exchange,
                body -> authorizations().createPreAuthCode(SandboxApiHandler.text(body, "component_appid")));
    }

    /** {@code api_query_auth}, body {@code component_appid}, {@code authorization_code}. */
    public void queryAuth(Exchange exchange) {
        componentApi(exchange, body -> authorizations().queryAuth(SandboxApiHandler.text(body, "component_appid"),
                SandboxApiHandler.text(body, "authorization_code")));
    }

    /**
     * {@code api_authorizer_token}, body {@code component_appid}, {@code authorizer_appid},
     * {@code authorizer_refresh_token}.
     */
    public void authorizerToken(Exchange exchange) {
        componentApi(exchange, body -> authorizations().authorizerToken(
                SandboxApiHandler.text(body, "component_appid"), SandboxApiHandler.text(body, "authorizer_appid"),
                SandboxApiHandler.text(body, "authorizer_refresh_token")));
    }

    /** {@code api_get_authorizer_info}, body {@code component_appid}, {@code authorizer_appid}. */
    public void authorizerInfo(Exchange exchange) {
        componentApi(exchange, body -> authorizations().authorizerInfo(
                SandboxApiHandler.text(body, "component_appid"), SandboxApiHandler.text(body, "authorizer_appid")));
    }

    /** {@code api_get_authorizer_list}, body {@code component_appid}, {@code offset}, {@code count}. */
    public void authorizerList(Exchange exchange) {
        componentApi(exchange, body -> {
            Long offset;
            Long count;
            try {
                offset = whole(body, "offset");
                count = whole(body, "count");
            } catch (NumberFormatException e) {
                return SandboxErrors.body(SandboxErrors.DATA_FORMAT_ERROR, now());
            }
            return authorizations().authorizerList(SandboxApiHandler.text(body, "component_appid"), offset, count);
        });
    }

    /**
     * {@code api_get_authorizer_option}, body {@code component_appid}, {@code authorizer_appid},
     * {@code option_name}.
     */
    public void authorizerOption(Exchange exchange) {
        componentApi(exchange, body -> authorizations().option(SandboxApiHandler.text(body, "component_appid"),
                SandboxApiHandler.text(body, "authorizer_appid"), SandboxApiHandler.text(body, "option_name")));
    }

    /** {@code api_set_authorizer_option}: as {@link #authorizerOption} plus {@code option_value}. */
    public void setAuthorizerOption(Exchange exchange) {
        componentApi(exchange, body -> authorizations().setOption(SandboxApiHandler.text(body, "component_appid"),
                SandboxApiHandler.text(body, "authorizer_appid"), SandboxApiHandler.text(body, "option_name"),
                SandboxApiHandler.text(body, "option_value")));
    }

    /** {@code get_authorizer_option} with the authorizer token, body {@code option_name} (other fields ignored). */
    public void ownOption(Exchange exchange) {
        authorizerApi(exchange, SandboxFaults.GET_AUTHORIZER_OPTION, true, false,
                (appid, body) -> authorizations().ownOption(appid, SandboxApiHandler.text(body, "option_name")));
    }

    /** {@code set_authorizer_option} with the authorizer token, body {@code option_name}, {@code option_value}. */
    public void setOwnOption(Exchange exchange) {
        authorizerApi(exchange, SandboxFaults.SET_AUTHORIZER_OPTION, true, false,
                (appid, body) -> authorizations().setOwnOption(appid, SandboxApiHandler.text(body, "option_name"),
                        SandboxApiHandler.text(body, "option_value")));
    }

    /**
     * {@code getcallbackip}: {@code {"ip_list":["127.0.0.1"]}}, the address the sandbox pushes from. Takes an
     * authorizer token or, as WeChat's troubleshooting guide allows, the component token.
     */
    public void callbackIp(Exchange exchange) {
        authorizerApi(exchange, SandboxFaults.GETCALLBACKIP, false, true,
                (appid, body) -> Map.of("ip_list", List.of("127.0.0.1")));
    }

    /** {@code user/info?openid=...}: a fake subscribed user; 40003 without {@code openid}. */
    public void userInfo(Exchange exchange) {
        String openid = query(exchange).first("openid");
        authorizerApi(exchange, SandboxFaults.USER_INFO, false, false, (appid, body) -> {
            if (openid == null) {
                return SandboxErrors.body(SandboxErrors.INVALID_OPENID, now());
            }
            Instant since = authorizations().authTime(appid);
            Map<String, Object> user = new LinkedHashMap<>();
            user.put("subscribe", 1);
            user.put("openid", openid);
            user.put("nickname", "Sandbox User");
            user.put("sex", 0);
            user.put("language", "zh_CN");
            user.put("city", "");
            user.put("province", "");
            user.put("country", "");
            user.put("headimgurl", "");
            user.put("subscribe_time", (since == null ? now() : since).getEpochSecond());
            user.put("remark", "");
            user.put("groupid", 0);
            user.put("tagid_list", List.of());
            user.put("subscribe_scene", "ADD_SCENE_QR_CODE");
            user.put("qr_scene", 0);
            user.put("qr_scene_str", "");
            return user;
        });
    }

    /**
     * {@code message/custom/send} with the authorizer token: a customer-service message, body {@code touser},
     * {@code msgtype} and the message; answers {@code {"errcode":0,"errmsg":"ok"}}, or 40003 without {@code touser}.
     * Nothing is delivered; the call is in the state's {@code calls} and {@code requests}.
     */
    public void sendMessage(Exchange exchange) {
        authorizerApi(exchange, SandboxFaults.SEND, true, false, (appid, body) -> {
            String touser = SandboxApiHandler.text(body, "touser");
            return touser == null || touser.isBlank() ? SandboxErrors.body(SandboxErrors.INVALID_OPENID, now())
                    : SandboxErrors.ok("ok");
        });
    }

    private void componentApi(Exchange exchange, Function<JsonNode, Map<String, Object>> call) {
        if (api.faulted(exchange)) {
            return;
        }
        SandboxForm query = query(exchange);
        String token = query.first("component_access_token");
        int check = state.checkComponentToken(token != null ? token : query.first("access_token"));
        JsonNode body = SandboxApiHandler.json(exchange);
        if (check != SandboxErrors.OK) {
            api.reply(exchange, SandboxErrors.body(check, now()));
        } else if (body == null) {
            api.reply(exchange, SandboxErrors.body(SandboxErrors.DATA_FORMAT_ERROR, now()));
        } else {
            api.reply(exchange, call.apply(body));
        }
    }

    /**
     * @param needsBody whether a body that is no JSON object is answered 47001
     * @param componentTokenToo whether the component token is accepted as well
     * @param call the API, given the token's account (or {@code null} for the component token) and the body
     */
    private void authorizerApi(Exchange exchange, String name, boolean needsBody, boolean componentTokenToo,
            BiFunction<String, JsonNode, Map<String, Object>> call) {
        if (api.faulted(exchange)) {
            return;
        }
        String token = query(exchange).first("access_token");
        SandboxAuthorizations.TokenCheck check = authorizations().checkAccessToken(token, name);
        int errcode = check.errcode();
        if (componentTokenToo && errcode == SandboxErrors.INVALID_CREDENTIAL && check.authorizerAppid() == null) {
            // no authorizer token; when it is one of the component's, that token's own check decides
            int componentCheck = state.checkComponentToken(token);
            if (componentCheck != SandboxErrors.INVALID_CREDENTIAL) {
                errcode = componentCheck;
            }
        }
        JsonNode body = SandboxApiHandler.json(exchange);
        if (errcode != SandboxErrors.OK) {
            api.reply(exchange, SandboxErrors.body(errcode, now()));
        } else if (needsBody && body == null) {
            api.reply(exchange, SandboxErrors.body(SandboxErrors.DATA_FORMAT_ERROR, now()));
        } else {
            api.reply(exchange, call.apply(check.authorizerAppid(), body));
        }
    }

    private static SandboxForm query(Exchange exchange) {
        try {
            return SandboxForm.parse(exchange.getMessage().getHeader(Exchange.HTTP_RAW_QUERY, String.class));
        } catch (IllegalArgumentException e) {
            return SandboxForm.parse(null);
        }
    }

    /** A whole number given as a JSON number or as digits in a string; {@code null} when absent. */
    private static Long whole(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.asLong();
        }
        if (value.isTextual()) {
            return Long.parseLong(value.asText().strip());
        }
        throw new NumberFormatException(field + " is not a whole number");
    }

    private SandboxAuthorizations authorizations() {
        return state.authorizations();
    }

    private Instant now() {
        return state.clock().instant();
    }
}
