package io.wechatopen.camel.config;

/**
 * The credentials of one third-party platform (component).
 *
 * @param appid component AppId ({@code wechat.component.appid})
 * @param appsecret component AppSecret (secret)
 * @param token 消息校验 Token (secret)
 * @param encodingAesKey 43-character 消息加解密 Key (secret)
 */
public record ComponentSettings(String appid, String appsecret, String token, String encodingAesKey) {

    static ComponentSettings from(SettingsSource source) {
        String key = source.required("wechat.component.encoding-aes-key");
        if (key.length() != 43) {
            throw source.invalid("wechat.component.encoding-aes-key", "43 characters from [A-Za-z0-9]");
        }
        return new ComponentSettings(source.required("wechat.component.appid"),
                source.required("wechat.component.appsecret"), source.required("wechat.component.token"), key);
    }

    @Override
    public String toString() {
        return "ComponentSettings[appid=" + appid + "]";
    }
}
