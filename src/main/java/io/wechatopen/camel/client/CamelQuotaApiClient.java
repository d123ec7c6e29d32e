package io.wechatopen.camel.client;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.wechatopen.camel.api.QuotaApiClient;
import io.wechatopen.camel.api.WeChatUnreachableException;
import io.wechatopen.camel.api.dto.ApiQuotaResponse;

/**
 * {@link QuotaApiClient} over {@code direct:wechat-api-quota-get} and {@code direct:wechat-api-clear-quota-v2}
 * ({@link io.wechatopen.camel.routes.QuotaRoutes}) and, for an account, {@code direct:wechat-api-call}. Not held back
 * by {@link io.wechatopen.camel.token.ApiBackoff}: resetting a used-up quota is what an operator does while its
 * breaker is open. Camel's wrapper exceptions are unwrapped as in {@link CamelComponentApiClient}.
 */
public final class CamelQuotaApiClient implements QuotaApiClient {

    /** The path of getApiQuota. */
    public static final String QUOTA_PATH = "/cgi-bin/openapi/quota/get";

    private final ProducerTemplate producer;
    private final ObjectMapper mapper;

    public CamelQuotaApiClient(ProducerTemplate producer, ObjectMapper mapper) {
        this.producer = producer;
        this.mapper = mapper;
    }

    @Override
    public ApiQuotaResponse componentQuota(String componentAppid, String cgiPath) {
        return call("quota_get", () -> producer.requestBodyAndHeader("direct:wechat-api-quota-get",
                Map.of("cgi_path", cgiPath), ApiTokens.COMPONENT_APPID, componentAppid, ApiQuotaResponse.class));
    }

    @Override
    public ApiQuotaResponse authorizerQuota(String componentAppid, String authorizerAppid, String cgiPath) {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put(ApiTokens.COMPONENT_APPID, componentAppid);
        headers.put(ApiTokens.AUTHORIZER_APPID, authorizerAppid);
        headers.put(WeChatApiHeaders.PATH, QUOTA_PATH);
        headers.put(Exchange.HTTP_METHOD, "POST");
        // A read: repeating it after a lost answer is harmless.
        headers.put(WeChatApiHeaders.IDEMPOTENT, true);
        String json = call("quota_get", () -> producer.requestBodyAndHeaders("direct:wechat-api-call",
                Map.of("cgi_path", cgiPath), headers, String.class));
        try {
            return mapper.readValue(json, ApiQuotaResponse.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("WeChat's answer to getApiQuota is not the documented JSON");
        }
    }

    @Override
    public void clearQuota(String componentAppid, String appsecret, String authorizerAppid) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("component_appid", componentAppid);
        request.put("appsecret", appsecret);
        if (authorizerAppid != null) {
            request.put("appid", authorizerAppid);
        }
        call("clear_quota_v2", () -> producer.requestBodyAndHeader("direct:wechat-api-clear-quota-v2", request,
                ApiTokens.COMPONENT_APPID, componentAppid, String.class));
    }

    private static <T> T call(String api, Supplier<T> call) {
        try {
            return call.get();
        } catch (CamelExecutionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause
                    : new WeChatUnreachableException(api, e.getCause(), !TransportFailures.neverReached(e.getCause()));
        }
    }
}
