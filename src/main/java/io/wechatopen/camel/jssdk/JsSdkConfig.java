package io.wechatopen.camel.jssdk;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a page passes to {@code wx.config} besides {@code jsApiList}: on behalf of an account, {@code appId} is the
 * account's appid (not the component's), and the signature is made with the account's {@code jsapi_ticket}.
 *
 * @param appId the authorizer's appid
 * @param timestamp unix seconds, as text
 * @param nonceStr the random string that was signed
 * @param signature SHA-1 of the sorted fields, lower-case hex
 */
public record JsSdkConfig(String appId, String timestamp, String nonceStr, String signature) {

    /** The fields under {@code wx.config}'s names: appId, timestamp, nonceStr, signature. */
    public Map<String, String> toMap() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("appId", appId);
        map.put("timestamp", timestamp);
        map.put("nonceStr", nonceStr);
        map.put("signature", signature);
        return map;
    }
}
