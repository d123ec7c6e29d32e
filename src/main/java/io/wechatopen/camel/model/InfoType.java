package io.wechatopen.camel.model;

/**
 * The {@code InfoType} values of pushes to the 授权事件接收URL. The bundle acts on the ticket and the three
 * authorization types; every other push, the types named here and any type not known yet, is stored and handed to
 * the integrator route ({@link #isRoutedToIntegrator}).
 */
public final class InfoType {

    public static final String COMPONENT_VERIFY_TICKET = "component_verify_ticket";
    public static final String AUTHORIZED = "authorized";
    public static final String UPDATE_AUTHORIZED = "updateauthorized";
    public static final String UNAUTHORIZED = "unauthorized";

    /** 快速注册小程序 (company, personal, trial) finished: {@code appid}, {@code status}, {@code auth_code}, {@code info}. */
    public static final String NOTIFY_THIRD_FASTEREGISTER = "notify_third_fasteregister";
    /** 小程序认证 result. */
    public static final String NOTIFY_3RD_WXA_AUTH = "notify_3rd_wxa_auth";
    /** 小程序认证年审 / expiry reminder. */
    public static final String NOTIFY_3RD_WXA_WXVERIFY = "notify_3rd_wxa_wxverify";
    /** 小程序备案 (ICP filing) approved or rejected. */
    public static final String NOTIFY_APPLY_ICPFILING_RESULT = "notify_apply_icpfiling_result";
    /** The administrator's face verification of an ICP filing finished. */
    public static final String NOTIFY_ICPFILING_VERIFY_RESULT = "notify_icpfiling_verify_result";

    private InfoType() {
    }

    /**
     * Whether a push of this type goes to the integrator route: every type but the ticket and the three
     * authorization types, which the bundle handles itself.
     */
    public static boolean isRoutedToIntegrator(String infoType) {
        return !(COMPONENT_VERIFY_TICKET.equals(infoType) || AUTHORIZED.equals(infoType)
                || UPDATE_AUTHORIZED.equals(infoType) || UNAUTHORIZED.equals(infoType));
    }
}
