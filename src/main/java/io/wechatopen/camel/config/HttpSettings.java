package io.wechatopen.camel.config;

/**
 * Where our HTTP consumer listens and how it is reached from outside.
 *
 * @param host {@code wechat.http.host}
 * @param port {@code wechat.http.port}
 * @param contextPath {@code wechat.http.context-path}, starting with {@code /}, no trailing slash
 * @param publicUrl {@code wechat.http.public-url}, no trailing slash (used to build {@code redirect_uri})
 */
public record HttpSettings(String host, int port, String contextPath, String publicUrl) {

    static HttpSettings from(SettingsSource source) {
        int port = source.integer("wechat.http.port", 8080);
        String path = source.string("wechat.http.context-path", "/wechat");
        if (!path.startsWith("/")) {
            throw source.invalid("wechat.http.context-path", "a path starting with /");
        }
        String publicUrl = source.string("wechat.http.public-url", "http://localhost:" + port);
        return new HttpSettings(source.string("wechat.http.host", "0.0.0.0"), port, stripSlash(path),
                stripSlash(publicUrl));
    }

    private static String stripSlash(String value) {
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }

    /** The URL of our push endpoint on this machine, e.g. {@code http://127.0.0.1:8080/wechat/component/events}. */
    public String localEventsUrl() {
        return "http://127.0.0.1:" + port + contextPath + "/component/events";
    }

    /**
     * The URL of our 消息与事件接收URL on this machine, {@code $APPID$} standing for the account, e.g.
     * {@code http://127.0.0.1:8080/wechat/accounts/$APPID$/messages}.
     */
    public String localMessagesUrl() {
        return "http://127.0.0.1:" + port + contextPath + "/accounts/$APPID$/messages";
    }
}
