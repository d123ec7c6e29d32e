package io.wechatopen.camel.crypto;

import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_A_APPID;
import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_A_ENCODING_AES_KEY;
import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_A_TOKEN;
import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_H_AUTHORIZED_PLAINTEXT;
import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_H_TICKET_MSG_SIGNATURE;
import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_H_TICKET_NONCE;
import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_H_TICKET_PLAINTEXT;
import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_H_TICKET_QUERY;
import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_H_TICKET_SIGNATURE;
import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_H_TICKET_TIMESTAMP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** {@link EncryptedPush}: a push built the way WeChat sends it must pass the receiving side's checks. */
class EncryptedPushTest {

    private final WeChatMessageCrypto crypto = new WeChatMessageCrypto(VECTOR_A_TOKEN, VECTOR_A_ENCODING_AES_KEY,
            VECTOR_A_APPID);

    private EncryptedPush ticketPush() {
        return EncryptedPush.of(crypto, VECTOR_H_TICKET_PLAINTEXT, VECTOR_H_TICKET_TIMESTAMP, VECTOR_H_TICKET_NONCE);
    }

    @Test
    void ofWhenTicketPlaintextThenBodyParsesToAppIdAndEncrypt() {
        Map<String, String> envelope = SafeXml.parseFlat(ticketPush().body());

        assertThat(envelope.keySet()).containsExactly("AppId", "Encrypt");
        assertThat(envelope.get("AppId")).isEqualTo(VECTOR_A_APPID);
        assertThat(envelope.get("Encrypt")).isNotBlank();
    }

    @Test
    void ofWhenTicketPlaintextThenEncryptVerifiesWithMsgSignatureAndDecryptsBack() {
        EncryptedPush push = ticketPush();
        String encrypt = SafeXml.parseFlat(push.body()).get("Encrypt");

        assertThat(push.msgSignature()).isEqualTo(crypto.msgSignature(push.timestamp(), push.nonce(), encrypt));
        assertThatCode(() -> crypto.verifyMsgSignature(push.msgSignature(), push.timestamp(), push.nonce(), encrypt))
                .doesNotThrowAnyException();
        assertThat(crypto.decrypt(encrypt)).isEqualTo(VECTOR_H_TICKET_PLAINTEXT);
    }

    @Test
    void ofWhenTicketPlaintextThenPlainSignatureIsVectorHSignature() {
        EncryptedPush push = ticketPush();

        assertThat(push.signature()).isEqualTo(VECTOR_H_TICKET_SIGNATURE);
        assertThat(push.timestamp()).isEqualTo(VECTOR_H_TICKET_TIMESTAMP);
        assertThat(push.nonce()).isEqualTo(VECTOR_H_TICKET_NONCE);
        assertThatCode(() -> crypto.verifySignature(push.signature(), push.timestamp(), push.nonce()))
                .doesNotThrowAnyException();
    }

    @Test
    void ofWhenAuthorizedPlaintextThenReceivingSideGetsTheFields() {
        EncryptedPush push = EncryptedPush.of(crypto, VECTOR_H_AUTHORIZED_PLAINTEXT, "1413192760", "263014780");
        Map<String, String> query = push.queryParameters();
        String encrypt = SafeXml.parseFlat(push.body()).get("Encrypt");

        crypto.verifyMsgSignature(query.get("msg_signature"), query.get("timestamp"), query.get("nonce"), encrypt);
        Map<String, String> fields = SafeXml.parseFlat(crypto.decrypt(encrypt));

        assertThat(fields)
                .containsEntry("InfoType", "authorized")
                .containsEntry("AuthorizerAppid", "wxf8b4f85f3a794e77")
                .containsEntry("AuthorizationCode", "queryauthcode@@@TEST_AUTH_CODE_0001");
    }

    @Test
    void ofWhenCalledTwiceThenFreshEncryptEachTimeAndSamePlainSignature() {
        EncryptedPush first = ticketPush();
        EncryptedPush second = ticketPush();

        assertThat(SafeXml.parseFlat(first.body()).get("Encrypt"))
                .isNotEqualTo(SafeXml.parseFlat(second.body()).get("Encrypt"));
        assertThat(first.msgSignature()).isNotEqualTo(second.msgSignature());
        assertThat(first.signature()).isEqualTo(second.signature());
    }

    @Test
    void ofWhenBodyEncryptSwappedForAnotherPushThenMsgSignatureRejected() {
        EncryptedPush push = ticketPush();
        String otherEncrypt = SafeXml.parseFlat(ticketPush().body()).get("Encrypt");

        assertThatThrownBy(() -> crypto.verifyMsgSignature(push.msgSignature(), push.timestamp(), push.nonce(),
                otherEncrypt)).isExactlyInstanceOf(InvalidSignatureException.class);
    }

    @Test
    void queryParametersWhenBuiltThenFiveParametersInWeChatOrder() {
        EncryptedPush push = ticketPush();

        assertThat(push.queryParameters()).containsExactly(
                Map.entry("signature", push.signature()),
                Map.entry("timestamp", VECTOR_H_TICKET_TIMESTAMP),
                Map.entry("nonce", VECTOR_H_TICKET_NONCE),
                Map.entry("encrypt_type", "aes"),
                Map.entry("msg_signature", push.msgSignature()));
    }

    @Test
    void queryStringWhenBuiltThenFiveParametersInWeChatOrder() {
        EncryptedPush push = ticketPush();

        assertThat(push.queryString()).isEqualTo("signature=" + push.signature() + "&timestamp="
                + VECTOR_H_TICKET_TIMESTAMP + "&nonce=" + VECTOR_H_TICKET_NONCE + "&encrypt_type=aes&msg_signature="
                + push.msgSignature());
        assertThat(push.queryString().split("&")).extracting(pair -> pair.substring(0, pair.indexOf('=')))
                .containsExactly("signature", "timestamp", "nonce", "encrypt_type", "msg_signature");
    }

    /** Vector H [ticket]: the published query of the ticket push, from its published signatures. */
    @Test
    void queryStringWhenVectorHTicketValuesThenVectorHQuery() {
        EncryptedPush push = new EncryptedPush(VECTOR_H_TICKET_TIMESTAMP, VECTOR_H_TICKET_NONCE,
                VECTOR_H_TICKET_SIGNATURE, VECTOR_H_TICKET_MSG_SIGNATURE, "<xml/>");

        assertThat(push.queryString()).isEqualTo(VECTOR_H_TICKET_QUERY);
    }
}
