package io.wechatopen.camel.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.wechatopen.camel.api.WeChatUnreachableException;

/**
 * The {@code /sns/*} APIs a platform calls on behalf of an authorized account, over the {@code direct:wechat-api-*}
 * routes of {@link io.wechatopen.camel.routes.OnBehalfRoutes} (retries and the one refresh of a refused component
 * token come from {@code wechat-api-errors}). Web authorization (网页授权) codes and mini-program login codes work
 * once, so those two calls are never repeated after they may have reached WeChat. Answers are maps whose
 * {@code toString()} masks the tokens and the session key ({@link SecretMaskingMap}). Codes, tokens and session keys
 * travel only in the query of the call, which the API route removes once the call returns; none is logged.
 */
public final class SnsApiClient {

    /** The fields of the {@code /sns/*} answers that are secrets. */
    public static final Set<String> SECRET_FIELDS = Set.of("access_token", "refresh_token", "session_key");

    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };

    private final ProducerTemplate producer;
    private final ObjectMapper mapper;

    public SnsApiClient(ProducerTemplate producer, ObjectMapper mapper) {
        this.producer = producer;
        this.mapper = mapper;
    }

    /**
     * {@code /sns/oauth2/component/access_token}: exchanges a web authorization code of {@code appid}'s user.
     *
     * @return {@code access_token}, {@code expires_in}, {@code refresh_token}, {@code openid}, {@code scope} (and
     *         {@code unionid} when WeChat sends one)
     * @throws io.wechatopen.camel.api.WeChatApiException e.g. 40029 (invalid code), 40163 (code used), 42003
     *         (code expired), 61003 (the account has not authorized the platform)
     */
    public Map<String, Object> oauthAccessToken(String componentAppid, String appid, String code) {
        return call("direct:wechat-api-oauth-access-token", componentAppid, "appid=" + encode(appid) + "&code="
                + encode(code) + "&grant_type=authorization_code&component_appid=" + encode(componentAppid));
    }

    /**
     * {@code /sns/oauth2/component/refresh_token}: a new OAuth access token of the user for the refresh token.
     *
     * @throws io.wechatopen.camel.api.WeChatApiException e.g. 40030 (invalid refresh token), 42002 (expired, after
     *         30 days)
     */
    public Map<String, Object> oauthRefreshToken(String componentAppid, String appid, String refreshToken) {
        return call("direct:wechat-api-oauth-refresh-token", componentAppid, "appid=" + encode(appid)
                + "&grant_type=refresh_token&component_appid=" + encode(componentAppid) + "&refresh_token="
                + encode(refreshToken));
    }

    /**
     * {@code /sns/userinfo} with the user's OAuth access token (scope {@code snsapi_userinfo}); no platform token.
     *
     * @return {@code openid}, {@code nickname}, {@code sex}, {@code province}, {@code city}, {@code country},
     *         {@code headimgurl}, {@code privilege} (and {@code unionid})
     */
    public Map<String, Object> userInfo(String oauthAccessToken, String openid) {
        return call("direct:wechat-api-sns-userinfo", null,
                "access_token=" + encode(oauthAccessToken) + "&openid=" + encode(openid) + "&lang=zh_CN");
    }

    /**
     * {@code /sns/component/jscode2session}: exchanges a mini-program's {@code wx.login} code.
     *
     * @return {@code openid}, {@code session_key} (and {@code unionid})
     * @throws io.wechatopen.camel.api.WeChatApiException e.g. 40029 (invalid code), 40163 (code used), 45011
     *         (frequency limit), 40226 (high-risk user), 61003 (not authorized to the platform)
     */
    public Map<String, Object> jscode2session(String componentAppid, String appid, String jsCode) {
        return call("direct:wechat-api-jscode2session", componentAppid, "appid=" + encode(appid) + "&js_code="
                + encode(jsCode) + "&grant_type=authorization_code&component_appid=" + encode(componentAppid));
    }

    private Map<String, Object> call(String endpoint, String componentAppid, String query) {
        Map<String, Object> headers = new LinkedHashMap<>();
        if (componentAppid != null) {
            headers.put(ApiTokens.COMPONENT_APPID, componentAppid);
        }
        headers.put(ApiTokens.QUERY, query);
        String json;
        try {
            json = producer.requestBodyAndHeaders(endpoint, null, headers, String.class);
        } catch (CamelExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new WeChatUnreachableException(endpoint.substring("direct:wechat-api-".length()), e.getCause(),
                    !TransportFailures.neverReached(e.getCause()));
        }
        try {
            return new SecretMaskingMap(mapper.readValue(json, MAP), SECRET_FIELDS);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(endpoint + " answered a body that is not a JSON object");
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
