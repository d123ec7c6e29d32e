package io.wechatopen.camel.store;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.wechatopen.camel.model.ComponentPush;
import io.wechatopen.camel.model.InfoType;
import io.wechatopen.camel.model.ReceivedPush;

/** Fixture factory of received pushes, each a distinct delivery unless built from the same values. */
public final class StoredPushes {

    public static final String COMPONENT_APPID = "wx0123456789abcdef";
    public static final String AUTHORIZER_APPID = "wxfedcba9876543210";
    /** A fixed instant, whole seconds as WeChat's CreateTime is. */
    public static final Instant T0 = Instant.parse("2025-06-01T08:00:00Z");

    private static final AtomicLong NONCE = new AtomicLong(1_000_000);

    private StoredPushes() {
    }

    /** A {@code component_verify_ticket} push of {@code appid} created at {@code createTime}, received 1 s later. */
    public static ReceivedPush ticketPush(String appid, String ticket, Instant createTime) {
        String xml = "<xml><AppId><![CDATA[" + appid + "]]></AppId><CreateTime>" + createTime.getEpochSecond()
                + "</CreateTime><InfoType><![CDATA[component_verify_ticket]]></InfoType>"
                + "<ComponentVerifyTicket><![CDATA[" + ticket + "]]></ComponentVerifyTicket></xml>";
        ComponentPush push = new ComponentPush(appid, InfoType.COMPONENT_VERIFY_TICKET, createTime,
                Map.of("AppId", appid, "CreateTime", String.valueOf(createTime.getEpochSecond()),
                        "InfoType", InfoType.COMPONENT_VERIFY_TICKET, "ComponentVerifyTicket", ticket));
        return delivery(push, xml, createTime.plusSeconds(1));
    }

    /** An {@code authorized} push for {@link #AUTHORIZER_APPID} carrying {@code authorizationCode}. */
    public static ReceivedPush authorizedPush(String appid, String authorizationCode, Instant createTime) {
        String xml = "<xml><AppId><![CDATA[" + appid + "]]></AppId><CreateTime>" + createTime.getEpochSecond()
                + "</CreateTime><InfoType><![CDATA[authorized]]></InfoType><AuthorizerAppid><![CDATA["
                + AUTHORIZER_APPID + "]]></AuthorizerAppid><AuthorizationCode><![CDATA[" + authorizationCode
                + "]]></AuthorizationCode></xml>";
        ComponentPush push = new ComponentPush(appid, InfoType.AUTHORIZED, createTime,
                Map.of("AppId", appid, "InfoType", InfoType.AUTHORIZED, "AuthorizerAppid", AUTHORIZER_APPID,
                        "AuthorizationCode", authorizationCode));
        return delivery(push, xml, createTime.plusSeconds(1));
    }

    /**
     * An authorization push ({@code authorized}, {@code updateauthorized}, {@code unauthorized}, or any other
     * InfoType) of {@code authorizerAppid}, received at {@code receivedAt}. With a non-null {@code authorizationCode}
     * it carries {@code AuthorizationCode} and {@code AuthorizationCodeExpiredTime} (CreateTime + 1 hour).
     */
    public static ReceivedPush authorizationPush(String appid, String infoType, String authorizerAppid,
            String authorizationCode, Instant createTime, Instant receivedAt) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("AppId", appid);
        fields.put("CreateTime", String.valueOf(createTime.getEpochSecond()));
        fields.put("InfoType", infoType);
        fields.put("AuthorizerAppid", authorizerAppid);
        if (authorizationCode != null) {
            fields.put("AuthorizationCode", authorizationCode);
            fields.put("AuthorizationCodeExpiredTime", String.valueOf(createTime.getEpochSecond() + 3600));
        }
        StringBuilder xml = new StringBuilder("<xml>");
        fields.forEach((name, value) -> xml.append('<').append(name).append("><![CDATA[").append(value)
                .append("]]></").append(name).append('>'));
        xml.append("</xml>");
        return delivery(new ComponentPush(appid, infoType, createTime, fields), xml.toString(), receivedAt);
    }

    /** A ticket push (by InfoType) whose ComponentVerifyTicket field is missing. */
    public static ReceivedPush ticketPushWithoutTicket(String appid, Instant createTime) {
        ComponentPush push = new ComponentPush(appid, InfoType.COMPONENT_VERIFY_TICKET, createTime,
                Map.of("AppId", appid, "InfoType", InfoType.COMPONENT_VERIFY_TICKET));
        return delivery(push, "<xml><InfoType>component_verify_ticket</InfoType></xml>", createTime.plusSeconds(1));
    }

    private static ReceivedPush delivery(ComponentPush push, String xml, Instant receivedAt) {
        String nonce = String.valueOf(NONCE.incrementAndGet());
        String timestamp = String.valueOf(receivedAt.getEpochSecond());
        // Any 40 hex characters do: the store does not verify signatures, it only uses them as part of the key.
        String signature = String.format("%040x", (push.createTime().getEpochSecond() << 20) ^ Long.parseLong(nonce));
        return new ReceivedPush(push, xml, signature, timestamp, nonce, receivedAt);
    }
}
