package io.wechatopen.camel.model;

/** The {@code InfoType} values of pushes to the 授权事件接收URL that this bundle acts on. */
public final class InfoType {

    public static final String COMPONENT_VERIFY_TICKET = "component_verify_ticket";
    public static final String AUTHORIZED = "authorized";
    public static final String UPDATE_AUTHORIZED = "updateauthorized";
    public static final String UNAUTHORIZED = "unauthorized";

    private InfoType() {
    }
}
