package io.wechatopen.camel.token;

import io.wechatopen.camel.AuthorizerTokens;

/**
 * Where authorizer access tokens come from: WeChat ({@link AuthorizerTokenManager}, the owner of the tokens) or the
 * owner's relay endpoint ({@code wechat.component.token-source = relay}). Chosen once at start; what the token
 * service ({@code authorizerTokens}), {@code direct:wechat-authorizer-token} and {@code direct:wechat-api-call} use.
 */
public interface AuthorizerTokenSource extends AuthorizerTokens {

    /**
     * Expires exactly {@code token} of one component's account, so the next request gets a fresh one.
     */
    void reportInvalid(String componentAppid, String authorizerAppid, String token);

    /**
     * The component an account authorized, when it is only one.
     *
     * @throws io.wechatopen.camel.AuthorizerUnavailableException UNKNOWN or AMBIGUOUS
     */
    String componentOf(String authorizerAppid);
}
