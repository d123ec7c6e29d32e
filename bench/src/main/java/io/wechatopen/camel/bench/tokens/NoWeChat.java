package io.wechatopen.camel.bench.tokens;

import io.wechatopen.camel.api.ComponentApiClient;
import io.wechatopen.camel.api.dto.AuthorizerInfoResponse;
import io.wechatopen.camel.api.dto.AuthorizerListResponse;
import io.wechatopen.camel.api.dto.AuthorizerTokenResponse;
import io.wechatopen.camel.api.dto.ComponentTokenResponse;
import io.wechatopen.camel.api.dto.PreAuthCodeResponse;
import io.wechatopen.camel.api.dto.QueryAuthResponse;

/** The benchmark measures cache hits only: a call to WeChat would be a fault of the set-up. */
final class NoWeChat implements ComponentApiClient {

    private static IllegalStateException called(String api) {
        return new IllegalStateException(api + " was called: the benchmark is meant to read cached tokens only");
    }

    @Override
    public ComponentTokenResponse componentToken(String componentAppid, String appsecret, String verifyTicket) {
        throw called("api_component_token");
    }

    @Override
    public void startPushTicket(String componentAppid, String appsecret) {
        throw called("api_start_push_ticket");
    }

    @Override
    public PreAuthCodeResponse createPreAuthCode(String componentAppid) {
        throw called("api_create_preauthcode");
    }

    @Override
    public QueryAuthResponse queryAuth(String componentAppid, String authorizationCode) {
        throw called("api_query_auth");
    }

    @Override
    public AuthorizerTokenResponse authorizerToken(String componentAppid, String authorizerAppid,
            String refreshToken) {
        throw called("api_authorizer_token");
    }

    @Override
    public AuthorizerInfoResponse authorizerInfo(String componentAppid, String authorizerAppid) {
        throw called("api_get_authorizer_info");
    }

    @Override
    public AuthorizerListResponse authorizerList(String componentAppid, int offset, int count) {
        throw called("api_get_authorizer_list");
    }
}
