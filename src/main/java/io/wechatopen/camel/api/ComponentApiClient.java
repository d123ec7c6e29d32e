package io.wechatopen.camel.api;

import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import io.wechatopen.camel.api.dto.AuthorizerInfoResponse;
import io.wechatopen.camel.api.dto.AuthorizerListResponse;
import io.wechatopen.camel.api.dto.AuthorizerTokenResponse;
import io.wechatopen.camel.api.dto.ComponentTokenResponse;
import io.wechatopen.camel.api.dto.PreAuthCodeResponse;
import io.wechatopen.camel.api.dto.QueryAuthResponse;

/**
 * WeChat's component API, one method per endpoint. Calls that need the {@code component_access_token} get it
 * from the component token upkeep; when WeChat calls it invalid (40001/42001/40014) it is refreshed once and the
 * call repeated. Transient failures (transport errors, 5xx, errcode -1) are retried with back-off before anything
 * is thrown.
 *
 * <p>Every method throws {@link WeChatApiException} for a non-zero errcode, {@link WeChatHttpException} for a
 * non-200 status and {@link WeChatUnreachableException} for a transport failure, after retries.
 */
public interface ComponentApiClient {

    /** Accounts per {@code api_get_authorizer_list} call: WeChat's maximum. */
    int LIST_PAGE = 500;

    /**
     * {@code api_component_token}.
     *
     * @return the new token; WeChat keeps the previous one usable for 5 more minutes
     */
    ComponentTokenResponse componentToken(String componentAppid, String appsecret, String verifyTicket);

    /** {@code api_start_push_ticket}: asks WeChat to (re)start pushing tickets. */
    void startPushTicket(String componentAppid, String appsecret);

    /** {@code api_create_preauthcode}: a fresh single-use code for one authorization attempt. */
    PreAuthCodeResponse createPreAuthCode(String componentAppid);

    /** {@code api_query_auth}: exchanges an authorization code (single use) for the authorization. */
    QueryAuthResponse queryAuth(String componentAppid, String authorizationCode);

    /** {@code api_authorizer_token}: a new authorizer access token for a refresh token. */
    AuthorizerTokenResponse authorizerToken(String componentAppid, String authorizerAppid, String refreshToken);

    /** {@code api_get_authorizer_info}: the account's facts and its authorization. */
    AuthorizerInfoResponse authorizerInfo(String componentAppid, String authorizerAppid);

    /** {@code api_get_authorizer_list}: one page of the current authorizations ({@code count} at most 500). */
    AuthorizerListResponse authorizerList(String componentAppid, int offset, int count);

    /**
     * Every current authorization, fetched page by page ({@value #LIST_PAGE} per {@code api_get_authorizer_list}
     * call) only as the stream is consumed, so a search that finds its account early stops calling WeChat. A failed
     * call surfaces while the stream is consumed.
     */
    default Stream<AuthorizerListResponse.Item> listAuthorizers(String componentAppid) {
        record Page(int offset, AuthorizerListResponse response) {
            List<AuthorizerListResponse.Item> items() {
                return response.list() == null ? List.of() : response.list();
            }

            boolean last() {
                return items().isEmpty() || offset + items().size() >= response.totalCount();
            }
        }
        return Stream.iterate(new Page(0, authorizerList(componentAppid, 0, LIST_PAGE)), Objects::nonNull,
                page -> page.last() ? null : new Page(page.offset() + page.items().size(),
                        authorizerList(componentAppid, page.offset() + page.items().size(), LIST_PAGE)))
                .flatMap(page -> page.items().stream());
    }
}
