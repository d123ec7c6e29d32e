package io.wechatopen.camel.client;

import java.util.Set;
import java.util.regex.Pattern;

import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.apache.camel.Message;

import io.wechatopen.camel.token.AuthorizerTokenManager;

/**
 * The services other routes call on behalf of an authorized account, with the platform's component token (never the
 * account's):
 * <ul>
 * <li>{@link #miniProgramSession}: {@code direct:wechat-miniprogram-session}, mini-program login
 * ({@code jscode2session}).</li>
 * <li>{@link #oauthRefresh}: {@code direct:wechat-oauth-refresh}, a new OAuth access token of a user who signed in
 * through web authorization.</li>
 * </ul>
 * In: header {@code WeChatAuthorizerAppid} (optional {@code WeChatComponentAppid}, needed only when the account
 * authorized several platforms of this deployment), body the code or refresh token. Out: WeChat's answer as a map
 * whose {@code toString()} masks the secrets ({@link SecretMaskingMap}); every inbound header is removed. Nothing is
 * stored and nothing secret is logged; a non-zero errcode is a {@link io.wechatopen.camel.api.WeChatApiException}.
 */
public final class OnBehalfServices {

    private static final Pattern APPID = Pattern.compile("[A-Za-z0-9_]{1,32}");

    private final Set<String> componentAppids;
    private final AuthorizerTokenManager authorizers;
    private final SnsApiClient sns;

    public OnBehalfServices(Set<String> componentAppids, AuthorizerTokenManager authorizers, SnsApiClient sns) {
        this.componentAppids = Set.copyOf(componentAppids);
        this.authorizers = authorizers;
        this.sns = sns;
    }

    /** Body: the {@code js_code} of {@code wx.login}. Out: {@code openid}, {@code session_key} (and {@code unionid}). */
    @Handler
    public void miniProgramSession(Exchange exchange) {
        Message message = exchange.getMessage();
        String appid = appid(message, "direct:wechat-miniprogram-session");
        String component = component(message, appid);
        String jsCode = value(message, "direct:wechat-miniprogram-session", "the js_code of wx.login");
        message.removeHeaders("*");
        message.setBody(sns.jscode2session(component, appid, jsCode));
    }

    /**
     * Body: the user's OAuth refresh token. Out: WeChat's answer ({@code access_token}, {@code expires_in},
     * {@code refresh_token}, {@code openid}, {@code scope}).
     */
    @Handler
    public void oauthRefresh(Exchange exchange) {
        Message message = exchange.getMessage();
        String appid = appid(message, "direct:wechat-oauth-refresh");
        String component = component(message, appid);
        String refreshToken = value(message, "direct:wechat-oauth-refresh", "the user's OAuth refresh token");
        message.removeHeaders("*");
        message.setBody(sns.oauthRefreshToken(component, appid, refreshToken));
    }

    private static String appid(Message message, String endpoint) {
        String appid = message.getHeader(ApiTokens.AUTHORIZER_APPID, String.class);
        if (appid == null || !APPID.matcher(appid).matches()) {
            throw new IllegalArgumentException(endpoint + " needs header WeChatAuthorizerAppid, the account's appid");
        }
        return appid;
    }

    private String component(Message message, String appid) {
        String component = message.getHeader(ApiTokens.COMPONENT_APPID, String.class);
        if (component == null || component.isBlank()) {
            return authorizers.componentOf(appid);
        }
        if (!componentAppids.contains(component)) {
            throw new IllegalArgumentException("WeChatComponentAppid must be the appid of a platform of this"
                    + " deployment");
        }
        return component;
    }

    private static String value(Message message, String endpoint, String what) {
        String value = message.getBody(String.class);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(endpoint + " needs a body: " + what);
        }
        return value.trim();
    }
}
