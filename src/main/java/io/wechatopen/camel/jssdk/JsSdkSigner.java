package io.wechatopen.camel.jssdk;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

import org.apache.camel.Body;
import org.apache.camel.Handler;
import org.apache.camel.Header;

import io.wechatopen.camel.crypto.JsSdkSignature;
import io.wechatopen.camel.token.AuthorizerTicketManager;

/**
 * JS-SDK on behalf of accounts: signs a page's {@code wx.config} with the account's {@code jsapi_ticket}
 * ({@link AuthorizerTicketManager}), as WeChat's third-party platform doc "代公众号使用JS SDK" describes: the ticket is
 * got with the authorizer access token, and {@code appId} is the account's. The page must be served from the
 * platform's 网页开发域名 (公众号开发域名), which WeChat takes as the JS-SDK safe domain of every account that
 * authorized the platform. Registered as {@code wechatJsSdk}; {@code direct:wechat-jssdk-signature} calls
 * {@link #signature}. Thread-safe.
 */
public final class JsSdkSigner {

    /** 12 random bytes are 16 url-safe base64 characters. */
    private static final int NONCE_BYTES = 12;

    private final AuthorizerTicketManager tickets;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public JsSdkSigner(AuthorizerTicketManager tickets, Clock clock) {
        this.tickets = tickets;
        this.clock = clock;
    }

    /**
     * The {@code wx.config} fields for a page of an account that authorized exactly one component here.
     *
     * @param pageUrl the page's full URL (http or https); a {@code #} fragment is left out of the signature
     * @throws IllegalArgumentException when the URL is not an absolute http(s) URL
     * @throws io.wechatopen.camel.AuthorizerUnavailableException when the account has no usable authorization
     * @throws io.wechatopen.camel.api.WeChatApiException when WeChat refused to give a ticket
     */
    public JsSdkConfig config(String authorizerAppid, String pageUrl) {
        String url = pageUrl(pageUrl);
        return sign(authorizerAppid, tickets.jsapiTicket(requireAppid(authorizerAppid)), url);
    }

    /** As {@link #config(String, String)}, for the account's authorization of one component. */
    public JsSdkConfig config(String componentAppid, String authorizerAppid, String pageUrl) {
        String url = pageUrl(pageUrl);
        return sign(authorizerAppid, tickets.jsapiTicket(componentAppid, requireAppid(authorizerAppid)), url);
    }

    /**
     * {@code direct:wechat-jssdk-signature}: header {@code WeChatAuthorizerAppid} (optional
     * {@code WeChatComponentAppid}), body = the page URL; returns {@link JsSdkConfig#toMap()}.
     */
    @Handler
    public Map<String, String> signature(@Header("WeChatComponentAppid") String componentAppid,
            @Header("WeChatAuthorizerAppid") String authorizerAppid, @Body String pageUrl) {
        return (componentAppid == null || componentAppid.isBlank() ? config(authorizerAppid, pageUrl)
                : config(componentAppid, authorizerAppid, pageUrl)).toMap();
    }

    private JsSdkConfig sign(String authorizerAppid, String ticket, String url) {
        String timestamp = String.valueOf(clock.instant().getEpochSecond());
        String nonceStr = nonce();
        return new JsSdkConfig(authorizerAppid, timestamp, nonceStr,
                JsSdkSignature.sign(ticket, nonceStr, timestamp, url));
    }

    private String nonce() {
        byte[] bytes = new byte[NONCE_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String requireAppid(String authorizerAppid) {
        if (authorizerAppid == null || authorizerAppid.isBlank()) {
            throw new IllegalArgumentException("the JS-SDK signature needs the account's appid (header"
                    + " WeChatAuthorizerAppid)");
        }
        return authorizerAppid;
    }

    /**
     * The URL as signed: the page's absolute http(s) URL as the browser has it ({@code location.href}), up to the
     * first {@code #}; not re-encoded or normalised, since WeChat signs the raw value.
     *
     * @throws IllegalArgumentException when it is missing, not a URL, not absolute or not http(s)
     */
    static String pageUrl(String pageUrl) {
        if (pageUrl == null || pageUrl.isBlank()) {
            throw new IllegalArgumentException("the JS-SDK signature needs the page URL (the message body)");
        }
        int hash = pageUrl.indexOf('#');
        String url = hash < 0 ? pageUrl : pageUrl.substring(0, hash);
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the page URL is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("the page URL must be an absolute http or https URL with a host,"
                    + " e.g. https://example.com/page?x=1");
        }
        return url;
    }
}
