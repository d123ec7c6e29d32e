package io.wechatopen.camel.client;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;

import io.wechatopen.camel.api.ComponentApiClient;
import io.wechatopen.camel.api.WeChatUnreachableException;
import io.wechatopen.camel.api.dto.AuthorizerInfoResponse;
import io.wechatopen.camel.api.dto.AuthorizerListResponse;
import io.wechatopen.camel.api.dto.AuthorizerTokenResponse;
import io.wechatopen.camel.api.dto.ComponentTokenResponse;
import io.wechatopen.camel.api.dto.PreAuthCodeResponse;
import io.wechatopen.camel.api.dto.QueryAuthResponse;
import io.wechatopen.camel.token.ApiBackoff;

/**
 * {@link ComponentApiClient} over the {@code direct:wechat-api-*} routes, whose route configuration
 * {@code wechat-api-errors} retries transient failures and refreshes an invalid token once. Camel's wrapper
 * exceptions are unwrapped so callers see the typed cause; a transport failure becomes a
 * {@link WeChatUnreachableException} that says whether the request may have reached WeChat. An API whose daily
 * quota is used up (45009) is not called again until {@link ApiBackoff} says so: callers get a
 * {@link io.wechatopen.camel.token.BackingOffException} at once.
 */
public final class CamelComponentApiClient implements ComponentApiClient {

    private final ProducerTemplate producer;
    private final ApiBackoff backoff;

    public CamelComponentApiClient(ProducerTemplate producer, ApiBackoff backoff) {
        this.producer = producer;
        this.backoff = backoff;
    }

    @Override
    public ComponentTokenResponse componentToken(String componentAppid, String appsecret, String verifyTicket) {
        Map<String, Object> request = request(componentAppid);
        request.put("component_appsecret", appsecret);
        request.put("component_verify_ticket", verifyTicket);
        return call("direct:wechat-api-component-token", componentAppid, request, ComponentTokenResponse.class);
    }

    @Override
    public void startPushTicket(String componentAppid, String appsecret) {
        Map<String, Object> request = request(componentAppid);
        // WeChat names the secret component_secret here, unlike api_component_token.
        request.put("component_secret", appsecret);
        call("direct:wechat-api-start-push-ticket", componentAppid, request, String.class);
    }

    @Override
    public PreAuthCodeResponse createPreAuthCode(String componentAppid) {
        return call("direct:wechat-api-create-preauthcode", componentAppid, request(componentAppid),
                PreAuthCodeResponse.class);
    }

    @Override
    public QueryAuthResponse queryAuth(String componentAppid, String authorizationCode) {
        Map<String, Object> request = request(componentAppid);
        request.put("authorization_code", authorizationCode);
        return call("direct:wechat-api-query-auth", componentAppid, request, QueryAuthResponse.class);
    }

    @Override
    public AuthorizerTokenResponse authorizerToken(String componentAppid, String authorizerAppid,
            String refreshToken) {
        Map<String, Object> request = request(componentAppid);
        request.put("authorizer_appid", authorizerAppid);
        request.put("authorizer_refresh_token", refreshToken);
        return call("direct:wechat-api-authorizer-token", componentAppid, request, AuthorizerTokenResponse.class);
    }

    @Override
    public AuthorizerInfoResponse authorizerInfo(String componentAppid, String authorizerAppid) {
        Map<String, Object> request = request(componentAppid);
        request.put("authorizer_appid", authorizerAppid);
        return call("direct:wechat-api-get-authorizer-info", componentAppid, request, AuthorizerInfoResponse.class);
    }

    @Override
    public AuthorizerListResponse authorizerList(String componentAppid, int offset, int count) {
        Map<String, Object> request = request(componentAppid);
        request.put("offset", offset);
        request.put("count", count);
        return call("direct:wechat-api-get-authorizer-list", componentAppid, request, AuthorizerListResponse.class);
    }

    private static Map<String, Object> request(String componentAppid) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("component_appid", componentAppid);
        return request;
    }

    private <T> T call(String endpoint, String componentAppid, Map<String, Object> request, Class<T> type) {
        // direct:wechat-api-query-auth -> api_query_auth, the name WeChat and ApiBackoff use.
        String api = endpoint.substring("direct:wechat-".length()).replace('-', '_');
        backoff.check(componentAppid, api);
        try {
            return producer.requestBodyAndHeader(endpoint, request, ApiTokens.COMPONENT_APPID, componentAppid, type);
        } catch (CamelExecutionException e) {
            RuntimeException failure = e.getCause() instanceof RuntimeException cause ? cause
                    : new WeChatUnreachableException(api, e.getCause(),
                            !TransportFailures.neverReached(e.getCause()));
            backoff.quotaExhaustedIf(componentAppid, api, failure);
            throw failure;
        }
    }
}
