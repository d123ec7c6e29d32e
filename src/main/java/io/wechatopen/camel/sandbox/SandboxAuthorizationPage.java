package io.wechatopen.camel.sandbox;

import static io.wechatopen.camel.html.HtmlEscaping.escape;

import java.util.List;

/**
 * The sandbox's authorization pages as HTML: plain HTML5 that is also well-formed XML, with no script. The
 * authorization page is a form that POSTs to {@value #APPROVE_PATH}: hidden {@code component_appid},
 * {@code pre_auth_code}, {@code redirect_uri}; one radio {@code authorizer_appid} per account (id
 * {@code account-<appid>}, the first checked); one checkbox {@code func_id} per permission set (id {@code func-<id>},
 * all checked); and the submit button {@code approve}.
 */
final class SandboxAuthorizationPage {

    static final String APPROVE_PATH = "/cgi-bin/componentloginpage/approve";

    /** Names of {@code service_type_info.id} 0, 1 and 2. */
    private static final List<String> SERVICE_TYPES = List.of("订阅号 subscription account",
            "订阅号 subscription account (upgraded)", "服务号 service account");

    private SandboxAuthorizationPage() {
    }

    /**
     * The page where a merchant picks an account and permission sets.
     *
     * @param accounts the accounts to offer; when empty the page says why ({@code note}) and has no form
     * @param funcIds the permission sets to offer, all checked
     * @param note a sentence shown above the form, or {@code null}
     */
    static String authorize(String componentAppid, String preAuthCode, String redirectUri,
            List<SandboxAccount> accounts, List<Integer> funcIds, String note) {
        StringBuilder html = head("授权 Authorize a third-party platform - WeChat sandbox");
        html.append("<h1>Authorize a third-party platform</h1>\n")
                .append("<p>The third-party platform <code id=\"component-appid\">").append(escape(componentAppid))
                .append("</code> asks an Official Account to authorize it. Pick the account and the permission sets, "
                        + "then approve.</p>\n");
        if (note != null) {
            html.append("<p id=\"note\">").append(escape(note)).append("</p>\n");
        }
        if (accounts.isEmpty()) {
            return tail(html);
        }
        html.append("<form id=\"authorize-form\" method=\"post\" action=\"").append(APPROVE_PATH).append("\">\n");
        hidden(html, "component_appid", componentAppid);
        hidden(html, "pre_auth_code", preAuthCode);
        hidden(html, "redirect_uri", redirectUri);
        html.append("<fieldset id=\"accounts\">\n<legend>Official Account</legend>\n");
        boolean first = true;
        for (SandboxAccount account : accounts) {
            String id = "account-" + account.appid();
            html.append("<p><input type=\"radio\" id=\"").append(id).append("\" name=\"authorizer_appid\" value=\"")
                    .append(escape(account.appid())).append('"').append(first ? " checked=\"checked\"" : "")
                    .append(" /> <label for=\"").append(id).append("\">").append(escape(account.nickName()))
                    .append(" (").append(escape(account.appid())).append(", ").append(escape(account.userName()))
                    .append(", ").append(serviceType(account.serviceType())).append(")</label></p>\n");
            first = false;
        }
        html.append("</fieldset>\n<fieldset id=\"funcs\">\n<legend>Permission sets 权限集</legend>\n");
        for (int funcId : funcIds) {
            String id = "func-" + funcId;
            html.append("<p><input type=\"checkbox\" id=\"").append(id).append("\" name=\"func_id\" value=\"")
                    .append(funcId).append("\" checked=\"checked\" /> <label for=\"").append(id).append("\">")
                    .append(funcId).append(' ').append(escape(SandboxFuncScopes.name(funcId)))
                    .append("</label></p>\n");
        }
        html.append("</fieldset>\n<p><button type=\"submit\" id=\"approve\">授权 Authorize</button></p>\n</form>\n");
        return tail(html);
    }

    /** The page shown instead when the request cannot be served. */
    static String error(String message) {
        StringBuilder html = head("Authorization failed - WeChat sandbox");
        html.append("<h1>Authorization failed</h1>\n<p id=\"error\">").append(escape(message)).append("</p>\n");
        return tail(html);
    }

    /** The body of the 302 that sends the merchant back to the platform. */
    static String redirecting(String location) {
        StringBuilder html = head("Authorized - WeChat sandbox");
        html.append("<h1>Authorized</h1>\n<p>Continue to <a id=\"redirect\" href=\"").append(escape(location))
                .append("\">the platform</a>.</p>\n");
        return tail(html);
    }

    private static StringBuilder head(String title) {
        return new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n")
                .append("<title>").append(escape(title)).append("</title>\n</head>\n<body>\n");
    }

    private static String tail(StringBuilder html) {
        return html.append("</body>\n</html>\n").toString();
    }

    private static void hidden(StringBuilder html, String name, String value) {
        html.append("<input type=\"hidden\" name=\"").append(name).append("\" value=\"")
                .append(escape(value)).append("\" />\n");
    }

    private static String serviceType(int id) {
        return id >= 0 && id < SERVICE_TYPES.size() ? SERVICE_TYPES.get(id) : "type " + id;
    }
}
