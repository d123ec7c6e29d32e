package io.wechatopen.camel.intake;

import java.time.Clock;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.apache.camel.Message;

import io.wechatopen.camel.client.ApiTokens;
import io.wechatopen.camel.config.CallbackSettings;
import io.wechatopen.camel.crypto.WeChatMessageCrypto;

/**
 * Accepts a message or event pushed to the 消息与事件接收URL of an authorized account,
 * {@code POST /accounts/{authorizer_appid}/messages} ({@code $APPID$} in WeChat's console): the same checks as the
 * 授权事件接收URL (see {@link EncryptedRequest}); the component is the one whose token verifies the signature,
 * since the plaintext's receive id is the component AppId even for an account's messages. On success the body is
 * the decrypted XML and the headers {@value #AUTHORIZER_APPID}, {@value #COMPONENT_APPID}, {@value #MSG_TYPE},
 * {@value #EVENT} (for events) and {@value #OPENID} (when sent) are set.
 *
 * <p>The replay window applies. The accepted message is then stored in the outbox by
 * {@link io.wechatopen.camel.notice.AccountMessageOutbox} before WeChat is answered.
 */
public final class AccountMessageIntake {

    public static final String AUTHORIZER_APPID = ApiTokens.AUTHORIZER_APPID;
    public static final String COMPONENT_APPID = ApiTokens.COMPONENT_APPID;
    public static final String MSG_TYPE = "WeChatMsgType";
    public static final String EVENT = "WeChatEvent";
    public static final String OPENID = "WeChatOpenid";

    private static final Pattern PATH = Pattern.compile(".*/accounts/([A-Za-z0-9_]{1,32})/messages/?");

    private final List<WeChatMessageCrypto> cryptos;
    private final CallbackSettings settings;
    private final Clock clock;

    public AccountMessageIntake(List<WeChatMessageCrypto> cryptos, CallbackSettings settings, Clock clock) {
        this.cryptos = List.copyOf(cryptos);
        this.settings = settings;
        this.clock = clock;
    }

    @Handler
    public void accept(Exchange exchange) {
        Message in = exchange.getMessage();
        String path = in.getHeader(Exchange.HTTP_URI, String.class);
        Matcher matcher = PATH.matcher(path == null ? "" : path.replaceFirst("\\?.*$", ""));
        if (!matcher.matches()) {
            throw new PushRejectedException(404, "no such path: use /accounts/{authorizer_appid}/messages");
        }
        String openid = in.getHeader("openid", String.class);
        EncryptedRequest.Verified request = EncryptedRequest.verify(in, settings, clock, envelope -> cryptos);
        in.removeHeaders("*");
        in.setHeader(AUTHORIZER_APPID, matcher.group(1));
        in.setHeader(COMPONENT_APPID, request.crypto().receiveId());
        in.setHeader(MSG_TYPE, request.message().getOrDefault("MsgType", ""));
        if (request.message().containsKey("Event")) {
            in.setHeader(EVENT, request.message().get("Event"));
        }
        if (openid != null && !openid.isBlank()) {
            in.setHeader(OPENID, openid);
        }
        in.setBody(request.plaintext());
    }
}
