package io.wechatopen.camel.api;

import io.wechatopen.camel.api.dto.ComponentTokenResponse;

/**
 * WeChat's component API, one method per endpoint. Transient failures (transport errors, 5xx, errcode -1) are
 * retried with back-off by the implementation before anything is thrown.
 */
public interface ComponentApiClient {

    /**
     * {@code POST /cgi-bin/component/api_component_token}.
     *
     * @return the new token; WeChat keeps the previous one usable for 5 more minutes
     * @throws WeChatApiException for a non-zero errcode (61004 whitelist, 61005/61006 ticket, 40125 secret, ...)
     * @throws WeChatHttpException for a non-200 status after retries
     * @throws RuntimeException wrapping the transport failure after retries
     */
    ComponentTokenResponse componentToken(String componentAppid, String appsecret, String verifyTicket);

    /**
     * {@code POST /cgi-bin/component/api_start_push_ticket}: asks WeChat to (re)start pushing tickets.
     *
     * @throws WeChatApiException for a non-zero errcode
     */
    void startPushTicket(String componentAppid, String appsecret);
}
