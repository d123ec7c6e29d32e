package io.wechatopen.camel.camel;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;

import io.wechatopen.camel.api.ComponentApiClient;
import io.wechatopen.camel.api.WeChatUnreachableException;
import io.wechatopen.camel.api.dto.ComponentTokenResponse;

/**
 * {@link ComponentApiClient} over the {@code direct:wechat-api-*} routes, whose route configuration
 * {@code wechat-api-errors} retries transient failures. Camel's wrapper exceptions are unwrapped so callers see
 * the typed cause.
 */
public final class CamelComponentApiClient implements ComponentApiClient {

    private final ProducerTemplate producer;

    public CamelComponentApiClient(ProducerTemplate producer) {
        this.producer = producer;
    }

    @Override
    public ComponentTokenResponse componentToken(String componentAppid, String appsecret, String verifyTicket) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("component_appid", componentAppid);
        request.put("component_appsecret", appsecret);
        request.put("component_verify_ticket", verifyTicket);
        return call("direct:wechat-api-component-token", request, ComponentTokenResponse.class);
    }

    @Override
    public void startPushTicket(String componentAppid, String appsecret) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("component_appid", componentAppid);
        // WeChat names the secret component_secret here, unlike api_component_token.
        request.put("component_secret", appsecret);
        call("direct:wechat-api-start-push-ticket", request, String.class);
    }

    private <T> T call(String endpoint, Map<String, Object> request, Class<T> type) {
        try {
            return producer.requestBody(endpoint, request, type);
        } catch (CamelExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new WeChatUnreachableException(endpoint, e.getCause());
        }
    }
}
