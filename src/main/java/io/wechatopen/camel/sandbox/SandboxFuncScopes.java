package io.wechatopen.camel.sandbox;

import java.util.List;
import java.util.Map;

/**
 * The permission sets (权限集, {@code funcscope_category} ids) an Official Account can grant (protocol §4.5), and the
 * ones the sandbox offers when the platform names none.
 */
final class SandboxFuncScopes {

    /** Offered when the authorization page gets no {@code category_id_list}. */
    static final List<Integer> DEFAULT_IDS = List.of(1, 2, 3, 4, 7, 11, 15);

    private static final Map<Integer, String> NAMES = Map.ofEntries(Map.entry(1, "消息管理 message management"),
            Map.entry(2, "用户管理 user management"), Map.entry(3, "帐号服务 account services"),
            Map.entry(4, "网页服务 web services"), Map.entry(5, "微信小店 WeChat store"),
            Map.entry(6, "微信多客服 customer service"), Map.entry(7, "群发与通知 mass messages and notices"),
            Map.entry(8, "微信卡券 cards and coupons"), Map.entry(9, "微信扫一扫 scan"),
            Map.entry(10, "微信连WIFI Wi-Fi"), Map.entry(11, "素材管理 material management"),
            Map.entry(12, "微信摇周边 shake nearby"), Map.entry(13, "微信门店 stores"),
            Map.entry(14, "微信支付 WeChat Pay"), Map.entry(15, "自定义菜单 custom menu"),
            Map.entry(16, "获取认证状态及信息 verification status"), Map.entry(22, "城市服务接口 city services"),
            Map.entry(23, "广告管理 advertising"), Map.entry(24, "开放平台帐号管理 Open Platform account management"),
            Map.entry(26, "微信电子发票 e-invoices"));

    /** The largest id accepted; WeChat's ids are small numbers. */
    static final int MAX_ID = 999;

    private SandboxFuncScopes() {
    }

    /** A human name for the page, e.g. {@code 消息管理 message management}. */
    static String name(int id) {
        return NAMES.getOrDefault(id, "permission set " + id);
    }

    /** WeChat's {@code func_info}: {@code [{"funcscope_category":{"id":N}}, ...]}. */
    static List<Map<String, Object>> funcInfo(List<Integer> ids) {
        return ids.stream().map(id -> Map.<String, Object> of("funcscope_category", Map.of("id", id))).toList();
    }
}
