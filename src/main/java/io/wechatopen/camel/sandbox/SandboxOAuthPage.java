package io.wechatopen.camel.sandbox;

import static io.wechatopen.camel.html.HtmlEscaping.escape;

/**
 * The sandbox's web authorization page (WeChat's {@code /connect/oauth2/authorize}) as HTML with no script: the
 * account and the scope asked for, and two links to {@value #CONFIRM_PATH}: {@code allow} and {@code deny}.
 */
final class SandboxOAuthPage {

    static final String AUTHORIZE_PATH = "/connect/oauth2/authorize";
    static final String CONFIRM_PATH = "/connect/oauth2/authorize/confirm";

    private SandboxOAuthPage() {
    }

    /**
     * @param account the account the user signs in to
     * @param scope the scope asked for
     * @param query the page's own query (without {@code decision}), carried to the confirmation links
     */
    static String authorize(SandboxAccount account, String scope, String query) {
        boolean userinfo = scope.contains("snsapi_userinfo");
        return page("微信授权 Sign in with WeChat - WeChat sandbox",
                "<h1>Sign in with WeChat</h1>\n<p><strong id=\"account-name\">" + escape(account.nickName())
                        + "</strong> (<code id=\"account-appid\">" + escape(account.appid()) + "</code>) asks "
                        + escape(SandboxOAuth.NICKNAME) + " for: <span id=\"scope\">" + escape(scope) + "</span> ("
                        + (userinfo ? "your public profile: nickname, avatar, region" : "your identity (openid) only")
                        + ").</p>\n<p><a id=\"allow\" href=\"" + escape(CONFIRM_PATH + "?" + query + "&decision=allow")
                        + "\">Allow 允许</a> <a id=\"deny\" href=\""
                        + escape(CONFIRM_PATH + "?" + query + "&decision=deny") + "\">Deny 拒绝</a></p>\n");
    }

    /** WeChat's error page for a bad request ({@code id="error"}). */
    static String error(String message) {
        return page("微信授权 - WeChat sandbox",
                "<h1>授权失败 Sign-in failed</h1>\n<p id=\"error\">" + escape(message) + "</p>\n");
    }

    private static String page(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n<title>"
                + escape(title) + "</title>\n</head>\n<body>\n" + body + "</body>\n</html>\n";
    }
}
