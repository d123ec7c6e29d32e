package io.wechatopen.camel.sandbox;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * WeChat's errcodes and the English {@code errmsg} prefixes it answers with (protocol §7), and the error body
 * {@code {"errcode":N,"errmsg":"<text> rid: xxxxxxxx-xxxxxxxx-xxxxxxxx"}} built from them.
 */
public final class SandboxErrors {

    public static final int OK = 0;
    public static final int SYSTEM_ERROR = -1;
    public static final int INVALID_CREDENTIAL = 40001;
    public static final int INVALID_OPENID = 40003;
    public static final int INVALID_APPID = 40013;
    public static final int INVALID_ACCESS_TOKEN = 40014;
    public static final int INVALID_APPSECRET = 40125;
    public static final int ACCESS_TOKEN_MISSING = 41001;
    public static final int APPSECRET_MISSING = 41004;
    public static final int ACCESS_TOKEN_EXPIRED = 42001;
    public static final int DATA_FORMAT_ERROR = 47001;
    /** getticket with a {@code type} other than jsapi or wx_card (JS-SDK on behalf, issue 10). */
    public static final int INVALID_ARGS = 40097;
    public static final int NOT_AUTHORIZED = 61003;
    public static final int TICKET_EXPIRED = 61005;
    public static final int TICKET_INVALID = 61006;
    public static final int CODE_INVALID = 61009;
    public static final int CODE_EXPIRED = 61010;
    public static final int INVALID_OPTION_NAME = 61012;
    public static final int INVALID_OPTION_VALUE = 61013;
    public static final int REFRESH_TOKEN_INVALID = 61023;
    // Quota APIs (issue 10).
    public static final int COMPONENT_APPID_MISSING = 41018;
    public static final int CLEAR_QUOTA_LIMIT = 48006;
    public static final int INVALID_CGI_PATH = 76003;
    public static final int CGI_PATH_NOT_FOUND = 76021;
    public static final int CGI_PATH_NO_PERMISSION = 76022;
    public static final int INVALID_GRANT_TYPE = 40002;
    public static final int INVALID_CODE = 40029;
    public static final int INVALID_REFRESH_TOKEN = 40030;
    public static final int CODE_USED = 40163;
    public static final int REFRESH_TOKEN_EXPIRED = 42002;
    public static final int OAUTH_CODE_EXPIRED = 42003;
    public static final int API_UNAUTHORIZED = 48001;
    public static final int INVALID_COMPONENT = 61011;

    private static final Map<Integer, String> MESSAGES = messages();

    private SandboxErrors() {
    }

    private static Map<Integer, String> messages() {
        Map<Integer, String> m = new LinkedHashMap<>();
        m.put(SYSTEM_ERROR, "system error");
        m.put(OK, "ok");
        m.put(INVALID_CREDENTIAL, "invalid credential, access_token is invalid or not latest");
        m.put(INVALID_OPENID, "invalid openid");
        m.put(INVALID_APPID, "invalid appid");
        m.put(INVALID_ACCESS_TOKEN, "invalid access_token");
        m.put(INVALID_APPSECRET, "invalid appsecret");
        m.put(40164, "invalid ip 127.0.0.1 ipv6 ::ffff:127.0.0.1, not in whitelist");
        m.put(ACCESS_TOKEN_MISSING, "access_token missing");
        m.put(APPSECRET_MISSING, "appsecret missing");
        m.put(ACCESS_TOKEN_EXPIRED, "access_token expired");
        m.put(INVALID_ARGS, "invalid args");
        m.put(45009, "reach max api daily quota limit");
        m.put(DATA_FORMAT_ERROR, "data format error");
        m.put(48001, "api unauthorized");
        m.put(48006, "forbid to clear quota because of reaching the limit");
        m.put(NOT_AUTHORIZED, "component is not authorized by this account");
        // the sandbox listens on loopback, so the refused caller is always 127.0.0.1
        m.put(61004, "access clientip is not registered requestIP: 127.0.0.1");
        m.put(TICKET_EXPIRED, "component ticket is expired");
        m.put(TICKET_INVALID, "component ticket is invalid");
        m.put(61007, "api is unauthorized to component");
        m.put(CODE_INVALID, "code is invalid");
        m.put(CODE_EXPIRED, "code is expired");
        m.put(61011, "invalid component");
        // web authorization and mini-program login on behalf of accounts (issue 10)
        m.put(INVALID_GRANT_TYPE, "invalid grant_type");
        m.put(INVALID_CODE, "invalid code");
        m.put(INVALID_REFRESH_TOKEN, "invalid refresh_token");
        m.put(CODE_USED, "code been used");
        m.put(REFRESH_TOKEN_EXPIRED, "refresh_token timeout");
        m.put(OAUTH_CODE_EXPIRED, "code expired");
        m.put(45011, "api minute-quota reach limit mustslower retry next minute");
        m.put(40226, "high risk user");
        // the English texts of 61012 and 61013 are not documented (protocol §7, §12)
        m.put(INVALID_OPTION_NAME, "invalid option name");
        m.put(INVALID_OPTION_VALUE, "invalid option value");
        m.put(REFRESH_TOKEN_INVALID, "refresh_token is invalid");
        m.put(61024, "must use api(api_component_token) to get token for component acct");
        m.put(61025, "read-only option");
        m.put(61028, "component is unpublished");
        // Quota APIs (issue 10); the English text of 76003 is not documented.
        m.put(COMPONENT_APPID_MISSING, "missing component_appid");
        m.put(INVALID_CGI_PATH, "invalid cgi_path");
        m.put(CGI_PATH_NOT_FOUND, "cgi_path not found, please check");
        m.put(CGI_PATH_NO_PERMISSION, "could not use this cgi_path,no permission");
        return Map.copyOf(m);
    }

    /** Whether the sandbox knows the text of this errcode (only those can be injected as faults). */
    public static boolean isKnown(int errcode) {
        return MESSAGES.containsKey(errcode);
    }

    /** The errmsg prefix of a known errcode, without the {@code rid} suffix. */
    public static Optional<String> message(int errcode) {
        return Optional.ofNullable(MESSAGES.get(errcode));
    }

    /**
     * The reply body WeChat sends for an error: errcode and errmsg with a production-like {@code rid} suffix (its
     * first part is the unix time in hex). Unknown codes get the text {@code system error}.
     */
    public static Map<String, Object> body(int errcode, Instant now) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String rid = String.format(" rid: %08x-%08x-%08x", now.getEpochSecond() & 0xffffffffL, random.nextInt(),
                random.nextInt());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("errcode", errcode);
        body.put("errmsg", MESSAGES.getOrDefault(errcode, "system error") + rid);
        return body;
    }

    /** The body of a successful action API: {@code {"errcode":0,"errmsg":<text>}}, without rid (as WeChat). */
    public static Map<String, Object> ok(String errmsg) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("errcode", OK);
        body.put("errmsg", errmsg);
        return body;
    }
}
