package io.wechatopen.camel.sandbox;

import java.time.Instant;

/**
 * An authorization event the sandbox pushes to the 授权事件接收URL (protocol §5.2).
 *
 * @param infoType {@code authorized}, {@code updateauthorized} or {@code unauthorized}
 * @param authorizerAppid {@code AuthorizerAppid}
 * @param createTime {@code CreateTime}, also the push's {@code timestamp}
 * @param authorizationCode {@code AuthorizationCode}; {@code null} for {@code unauthorized}
 * @param codeExpiresAt {@code AuthorizationCodeExpiredTime} (absolute, CreateTime + 3600 s); {@code null} for
 *        {@code unauthorized}
 * @param preAuthCode {@code PreAuthCode}, the pre-authorization code the merchant used; {@code null} for
 *        {@code unauthorized}
 */
public record SandboxAuthorizationPush(String infoType, String authorizerAppid, Instant createTime,
        String authorizationCode, Instant codeExpiresAt, String preAuthCode) {

    public static final String AUTHORIZED = "authorized";
    public static final String UPDATEAUTHORIZED = "updateauthorized";
    public static final String UNAUTHORIZED = "unauthorized";

    /** Without the code values, which must not reach a log. */
    @Override
    public String toString() {
        return "SandboxAuthorizationPush[infoType=" + infoType + ", authorizerAppid=" + authorizerAppid
                + ", createTime=" + createTime + "]";
    }
}
