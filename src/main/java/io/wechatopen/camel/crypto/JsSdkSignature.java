package io.wechatopen.camel.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The JS-SDK permission signature of {@code wx.config} (WeChat's JS-SDK doc, 附录1 "JS-SDK使用权限签名算法",
 * https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/JS-SDK.html): the fields {@code noncestr},
 * {@code jsapi_ticket}, {@code timestamp} and {@code url} sorted by name, joined as
 * {@code jsapi_ticket=...&noncestr=...&timestamp=...&url=...} with raw (not URL-escaped) values, SHA-1, lower-case
 * hex. The url is the page's full URL without the {@code #} fragment.
 */
public final class JsSdkSignature {

    private JsSdkSignature() {
    }

    /**
     * @param jsapiTicket the account's valid {@code jsapi_ticket}
     * @param nonceStr the {@code nonceStr} the page passes to {@code wx.config}
     * @param timestamp the {@code timestamp} (unix seconds, as text) the page passes to {@code wx.config}
     * @param url the page URL, without the fragment
     * @return 40 lower-case hex characters
     */
    public static String sign(String jsapiTicket, String nonceStr, String timestamp, String url) {
        // Already in the field names' ASCII order: jsapi_ticket < noncestr < timestamp < url.
        String string1 = "jsapi_ticket=" + Objects.requireNonNull(jsapiTicket, "jsapiTicket") + "&noncestr="
                + Objects.requireNonNull(nonceStr, "nonceStr") + "&timestamp="
                + Objects.requireNonNull(timestamp, "timestamp") + "&url=" + Objects.requireNonNull(url, "url");
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(string1.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is not available in this Java runtime", e);
        }
    }
}
