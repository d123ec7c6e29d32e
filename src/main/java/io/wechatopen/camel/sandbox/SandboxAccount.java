package io.wechatopen.camel.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A simulated Official Account that can authorize the platform: the facts {@code api_get_authorizer_info} returns
 * as {@code authorizer_info} (protocol §4.7).
 *
 * @param appid the account's appid (at WeChat {@code wx} + 16 hex digits)
 * @param nickName {@code nick_name}
 * @param headImg {@code head_img}, a URL
 * @param serviceType {@code service_type_info.id}: 0 订阅号, 1 upgraded old account, 2 服务号
 * @param verifyType {@code verify_type_info.id}: -1 not verified, 0 WeChat-verified, ...
 * @param userName {@code user_name}, the original id {@code gh_...}
 * @param alias {@code alias}, the WeChat id; may be empty
 * @param qrcodeUrl {@code qrcode_url}
 * @param principalName {@code principal_name}; {@code 个人} for personal accounts
 * @param signature {@code signature}, the account's introduction
 * @param openPay whether {@code business_info.open_pay} (and the other store features) are 1
 */
public record SandboxAccount(String appid, String nickName, String headImg, int serviceType, int verifyType,
        String userName, String alias, String qrcodeUrl, String principalName, String signature, boolean openPay) {

    /** {@code account_status} 1: normal (deleted, banned or frozen accounts cannot authorize). */
    static final int ACCOUNT_STATUS_NORMAL = 1;

    /** The account's {@code authorizer_info} object, laid out as WeChat sends it. */
    public Map<String, Object> authorizerInfo() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("nick_name", nickName);
        info.put("head_img", headImg);
        info.put("service_type_info", Map.of("id", serviceType));
        info.put("verify_type_info", Map.of("id", verifyType));
        info.put("user_name", userName);
        info.put("alias", alias);
        info.put("qrcode_url", qrcodeUrl);
        int store = openPay ? 1 : 0;
        Map<String, Object> business = new LinkedHashMap<>();
        business.put("open_pay", store);
        business.put("open_shake", 0);
        business.put("open_scan", store);
        business.put("open_card", store);
        business.put("open_store", store);
        info.put("business_info", business);
        info.put("idc", 1);
        info.put("principal_name", principalName);
        info.put("signature", signature);
        info.put("account_status", ACCOUNT_STATUS_NORMAL);
        return info;
    }
}
