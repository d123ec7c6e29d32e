package io.wechatopen.camel.api;

/**
 * WeChat answered with a non-zero {@code errcode}. The message carries WeChat's {@code errmsg} (which holds no
 * secret, only a request id) and, for the codes an operator must act on, what to do.
 */
public class WeChatApiException extends RuntimeException {

    /** WeChat's "system error": transient, retried with back-off. */
    public static final int SYSTEM_ERROR = -1;
    /** The caller's IP is not in the platform's IP whitelist. */
    public static final int IP_NOT_WHITELISTED = 61004;
    /** The component_verify_ticket is older than 12 h. */
    public static final int TICKET_EXPIRED = 61005;
    /** The component_verify_ticket is unknown to WeChat. */
    public static final int TICKET_INVALID = 61006;
    /** The API's daily quota is used up; WeChat resets it at midnight (Beijing time). */
    public static final int QUOTA_EXHAUSTED = 45009;

    /** The errcodes of a refused access token: invalid or superseded, expired, malformed. */
    public static final java.util.Set<Integer> TOKEN_REFUSED = java.util.Set.of(40001, 42001, 40014);

    private final int errcode;
    private final String errmsg;

    public WeChatApiException(String api, int errcode, String errmsg) {
        super(api + " failed: errcode " + errcode + " " + errmsg + hint(errcode));
        this.errcode = errcode;
        this.errmsg = errmsg;
    }

    private static String hint(int errcode) {
        return switch (errcode) {
            case IP_NOT_WHITELISTED -> " (this server's outbound IP is not in the platform's IP whitelist"
                    + " (白名单IP地址列表) on open.weixin.qq.com; add it, then re-publish the platform)";
            case TICKET_EXPIRED, TICKET_INVALID -> " (the component_verify_ticket was refused;"
                    + " WeChat has been asked to restart ticket pushes with api_start_push_ticket)";
            case 40125, 41004 -> " (check {{wechat.component.appsecret}})";
            case 40013, 61011 -> " (check {{wechat.component.appid}})";
            case QUOTA_EXHAUSTED -> " (the API's daily quota is used up: calls stop until WeChat resets it at"
                    + " midnight Beijing time, or until the quota is cleared and the back-off reset)";
            default -> "";
        };
    }

    /** WeChat's errcode. */
    public int getErrcode() {
        return errcode;
    }

    /** WeChat's errmsg, as received. */
    public String getErrmsg() {
        return errmsg;
    }

    /** Whether a retry may succeed without anything changing: WeChat's {@code -1} system error. */
    public boolean isTransient() {
        return errcode == SYSTEM_ERROR;
    }
}
