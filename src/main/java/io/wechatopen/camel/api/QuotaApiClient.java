package io.wechatopen.camel.api;

import io.wechatopen.camel.api.dto.ApiQuotaResponse;

/**
 * WeChat's quota APIs for a platform (protocol §4.10). Throws as {@link ComponentApiClient} does:
 * {@link WeChatApiException} for a non-zero errcode, {@link WeChatHttpException}, {@link WeChatUnreachableException}.
 */
public interface QuotaApiClient {

    /**
     * {@code getApiQuota} with the component token: the platform's own quota of {@code cgiPath} (e.g.
     * {@code /cgi-bin/component/api_component_token}). Repeated after transient failures (it only reads).
     */
    ApiQuotaResponse componentQuota(String componentAppid, String cgiPath);

    /**
     * {@code getApiQuota} with the account's token, through the platform: that account's quota of {@code cgiPath}
     * (e.g. {@code /cgi-bin/message/custom/send}), with {@code component_rate_limit}.
     */
    ApiQuotaResponse authorizerQuota(String componentAppid, String authorizerAppid, String cgiPath);

    /**
     * {@code POST /cgi-bin/component/clear_quota/v2} (no token): resets the platform's quotas, or with
     * {@code authorizerAppid} that account's. Each effective reset uses one of the account's 10 per month. Sent
     * again only when the connection was never made.
     *
     * @param authorizerAppid the account whose quotas to reset, or null for the platform's own
     */
    void clearQuota(String componentAppid, String appsecret, String authorizerAppid);
}
