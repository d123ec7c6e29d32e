package io.wechatopen.camel.relay;

import io.wechatopen.camel.api.ComponentApiClient;
import io.wechatopen.camel.api.dto.AuthorizerInfoResponse;
import io.wechatopen.camel.api.dto.AuthorizerListResponse;
import io.wechatopen.camel.api.dto.AuthorizerTokenResponse;
import io.wechatopen.camel.api.dto.ComponentTokenResponse;
import io.wechatopen.camel.api.dto.PreAuthCodeResponse;
import io.wechatopen.camel.api.dto.QueryAuthResponse;

/**
 * The WeChat client of an instance in relay mode ({@code wechat.component.token-source = relay}): every component
 * API as usual (with the relayed component token), but {@code api_component_token} and {@code api_authorizer_token}
 * are refused without a call. Each call of those would hand out a new token and make the owner's token a superseded
 * one (WeChat keeps only the last issued valid, plus 5 minutes of grace), so no path of this instance may reach
 * them, whatever triggers it (an operator's refresh, a sweep, a stored account).
 */
public final class TokenApisRefused implements ComponentApiClient {

    private final ComponentApiClient delegate;

    public TokenApisRefused(ComponentApiClient delegate) {
        this.delegate = delegate;
    }

    @Override
    public ComponentTokenResponse componentToken(String componentAppid, String appsecret, String verifyTicket) {
        throw refused("api_component_token");
    }

    @Override
    public AuthorizerTokenResponse authorizerToken(String componentAppid, String authorizerAppid,
            String refreshToken) {
        throw refused("api_authorizer_token");
    }

    @Override
    public void startPushTicket(String componentAppid, String appsecret) {
        delegate.startPushTicket(componentAppid, appsecret);
    }

    @Override
    public PreAuthCodeResponse createPreAuthCode(String componentAppid) {
        return delegate.createPreAuthCode(componentAppid);
    }

    @Override
    public QueryAuthResponse queryAuth(String componentAppid, String authorizationCode) {
        return delegate.queryAuth(componentAppid, authorizationCode);
    }

    @Override
    public AuthorizerInfoResponse authorizerInfo(String componentAppid, String authorizerAppid) {
        return delegate.authorizerInfo(componentAppid, authorizerAppid);
    }

    @Override
    public AuthorizerListResponse authorizerList(String componentAppid, int offset, int count) {
        return delegate.authorizerList(componentAppid, offset, count);
    }

    private static IllegalStateException refused(String api) {
        return new IllegalStateException(api + " is not called by this instance: wechat.component.token-source is"
                + " relay, its tokens come from wechat.relay.url");
    }
}
