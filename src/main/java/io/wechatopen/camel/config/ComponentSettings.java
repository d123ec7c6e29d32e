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

    /**
     * Reads one platform's four keys under {@code prefix}: {@code wechat.component} for the primary platform,
     * {@code wechat.component.<name>} for each further one listed in {@code wechat.components}.
     */
    static ComponentSettings from(SettingsSource source, String prefix) {
        String key = source.required(prefix + ".encoding-aes-key");
        if (key.length() != 43) {
            throw source.invalid(prefix + ".encoding-aes-key", "43 characters from [A-Za-z0-9]");
        }
        return new ComponentSettings(source.required(prefix + ".appid"), source.required(prefix + ".appsecret"),
                source.required(prefix + ".token"), key);
    }

    @Override
    public String toString() {
        return "ComponentSettings[appid=" + appid + "]";
    }
}
