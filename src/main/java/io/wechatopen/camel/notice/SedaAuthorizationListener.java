package io.wechatopen.camel.notice;

import io.wechatopen.camel.client.ApiTokens;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.wechatopen.camel.model.AuthorizationChange;
import io.wechatopen.camel.token.AuthorizationListener;

/**
 * Publishes authorization changes to {@code seda:wechat-authorization-changed} for integrators: body a JSON
 * notice {@code {"component_appid","authorizer_appid","change","at","func_info","detail"}}, headers
 * {@code WeChatComponentAppid}, {@code WeChatAuthorizerAppid}, {@code WeChatAuthorizationChange} (authorized,
 * updateauthorized, unauthorized, needs-reauthorization, recovered). Never blocks the caller: with no consumer or a
 * full queue the notice is dropped and logged.
 */
public final class SedaAuthorizationListener implements AuthorizationListener {

    public static final String ENDPOINT = "seda:wechat-authorization-changed";
    public static final String CHANGE = "WeChatAuthorizationChange";
    private static final Logger LOG = LoggerFactory.getLogger(SedaAuthorizationListener.class);

    private final ProducerTemplate producer;
    private final ObjectMapper mapper;

    public SedaAuthorizationListener(ProducerTemplate producer, ObjectMapper mapper) {
        this.producer = producer;
        this.mapper = mapper;
    }

    @Override
    public void changed(AuthorizationChange change) {
        Map<String, Object> notice = new LinkedHashMap<>();
        notice.put("component_appid", change.componentAppid());
        notice.put("authorizer_appid", change.authorizerAppid());
        notice.put("change", change.kind().notice());
        notice.put("at", change.at().toString());
        notice.put("func_info", change.funcInfo());
        notice.put("detail", change.detail());
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put(ApiTokens.COMPONENT_APPID, change.componentAppid());
        headers.put(ApiTokens.AUTHORIZER_APPID, change.authorizerAppid());
        headers.put(CHANGE, change.kind().notice());
        try {
            producer.sendBodyAndHeaders(ENDPOINT + "?blockWhenFull=false&discardIfNoConsumers=true",
                    mapper.writeValueAsString(notice), headers);
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.warn("Could not publish the {} notice of {}: {}", change.kind().notice(), change.authorizerAppid(),
                    e.getMessage());
        }
    }
}
