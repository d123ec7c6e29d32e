package io.wechatopen.camel.api;

import io.wechatopen.camel.api.dto.TicketResponse;

/**
 * WeChat's {@code GET /cgi-bin/ticket/getticket?access_token=AUTHORIZER_TOKEN&type=TYPE}, called on behalf of an
 * account with its {@code authorizer_access_token}. A refused token (40001/42001/40014) is expired and the call made
 * once more with a fresh one; transient failures are retried, as for every call on behalf of an account.
 *
 * <p>Throws {@link WeChatApiException} for a non-zero errcode, {@link WeChatHttpException} for a non-200 status,
 * {@link WeChatUnreachableException} for a transport failure (after retries), and
 * {@link io.wechatopen.camel.AuthorizerUnavailableException} when the account has no usable token.
 */
public interface AuthorizerTicketApi {

    /** A new ticket of {@code type} (e.g. {@code jsapi}) for the account. */
    TicketResponse ticket(String componentAppid, String authorizerAppid, String type);
}
