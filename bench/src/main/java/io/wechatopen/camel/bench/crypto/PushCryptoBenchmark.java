package io.wechatopen.camel.bench.crypto;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

import me.chanjar.weixin.common.util.crypto.WxCryptUtil;
import me.chanjar.weixin.open.api.impl.WxOpenInMemoryConfigStorage;
import me.chanjar.weixin.open.bean.message.WxOpenXmlMessage;

import io.wechatopen.camel.crypto.EncryptedPush;
import io.wechatopen.camel.crypto.OpenedPush;
import io.wechatopen.camel.crypto.WeChatMessageCrypto;
import io.wechatopen.camel.support.TestPushes;

/**
 * Verify + decrypt of one signed, encrypted component_verify_ticket push (built once), ours beside WxJava's
 * {@code WxCryptUtil#decryptXml}, one thread. Ours is {@link OpenedPush#open}, the operation the push intake runs:
 * envelope parse, msg_signature and signature (WxJava checks msg_signature only), AES, receive id (AppId) check;
 * "parse" adds the decrypted message's parse. WxJava gets the body as a String, as its API takes it; ours gets the
 * bytes, as the intake does, and decodes them strictly.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class PushCryptoBenchmark {

    static final String APPID = "wx27cbbee18fa9fb94";
    static final String TOKEN = "pamtest";
    static final String ENCODING_AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2A";
    static final String TICKET = "ticket@@@OWR_6RX96n3rbRRhcmFK4Qy5lfOKDFCHoNOrp5c27z6OUOVSBzgrPP6wsMMKLq5KO0Ys114Dm_MGNjJ4mGfarA";

    private EncryptedPush push;
    private byte[] body;
    private Map<String, WeChatMessageCrypto> cryptoByAppid;
    private WxCryptUtil wxjava;
    private WxOpenInMemoryConfigStorage wxjavaStorage;

    @Setup
    public void setUp() {
        TestPushes pushes = new TestPushes(APPID, TOKEN, ENCODING_AES_KEY);
        push = pushes.ticket(TICKET, Instant.now());
        body = push.body().getBytes(StandardCharsets.UTF_8);
        cryptoByAppid = Map.of(APPID, new WeChatMessageCrypto(TOKEN, ENCODING_AES_KEY, APPID));
        wxjava = new WxCryptUtil(TOKEN, ENCODING_AES_KEY, APPID);
        wxjavaStorage = new WxOpenInMemoryConfigStorage();
        wxjavaStorage.setComponentAppId(APPID);
        wxjavaStorage.setComponentToken(TOKEN);
        wxjavaStorage.setComponentAesKey(ENCODING_AES_KEY);
        String expected = TestPushes.ticketXml(APPID, TICKET, Instant.EPOCH).substring(0, 40);
        if (!oursVerifyDecrypt().startsWith(expected) || !wxjavaVerifyDecrypt().startsWith(expected)
                || !TICKET.equals(oursVerifyDecryptParse().get("ComponentVerifyTicket"))
                || !TICKET.equals(wxjavaVerifyDecryptParse().getComponentVerifyTicket())) {
            throw new IllegalStateException("the push does not open");
        }
    }

    /** What EncryptedRequest runs for each push: the body as received, the query's values, the AppId lookup. */
    private OpenedPush open() {
        return OpenedPush.open(body, push.msgSignature(), push.signature(), push.timestamp(), push.nonce(),
                envelope -> List.of(cryptoByAppid.get(envelope.get("AppId"))));
    }

    @Benchmark
    public String oursVerifyDecrypt() {
        return open().plaintext();
    }

    @Benchmark
    public Map<String, String> oursVerifyDecryptParse() {
        return open().message();
    }

    @Benchmark
    public String wxjavaVerifyDecrypt() {
        return wxjava.decryptXml(push.msgSignature(), push.timestamp(), push.nonce(), push.body());
    }

    /** WxJava's own way to a message object from an encrypted push: decryptXml, then XStream. */
    @Benchmark
    public WxOpenXmlMessage wxjavaVerifyDecryptParse() {
        return WxOpenXmlMessage.fromEncryptedXml(push.body(), wxjavaStorage, push.timestamp(), push.nonce(),
                push.msgSignature());
    }
}
