package io.wechatopen.camel.crypto;

import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_A_APPID;
import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_A_ENCODING_AES_KEY;
import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_A_TOKEN;
import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_H_TICKET_MSG_SIGNATURE;
import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_H_TICKET_NONCE;
import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_H_TICKET_PLAINTEXT;
import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_H_TICKET_SIGNATURE;
import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_H_TICKET_TIMESTAMP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.wechatopen.camel.support.TestPushes;

/** {@link OpenedPush#open}: the crypto checks of every encrypted push, as the intake runs them (issue 9). */
class OpenedPushTest {

    private static final String OTHER_APPID = "wx0123456789abcdef";

    private final WeChatMessageCrypto crypto = new WeChatMessageCrypto(VECTOR_A_TOKEN, VECTOR_A_ENCODING_AES_KEY,
            VECTOR_A_APPID);
    private final TestPushes pushes = new TestPushes(VECTOR_A_APPID, VECTOR_A_TOKEN, VECTOR_A_ENCODING_AES_KEY);
    private final Function<Map<String, String>, List<WeChatMessageCrypto>> onlyOurs = envelope -> List.of(crypto);

    private static OpenedPush open(EncryptedPush push, Function<Map<String, String>, List<WeChatMessageCrypto>> c) {
        return OpenedPush.open(push.body().getBytes(StandardCharsets.UTF_8), push.msgSignature(), push.signature(),
                push.timestamp(), push.nonce(), c);
    }

    private EncryptedPush vectorHTicket() {
        return EncryptedPush.of(crypto, VECTOR_H_TICKET_PLAINTEXT, VECTOR_H_TICKET_TIMESTAMP, VECTOR_H_TICKET_NONCE);
    }

    @Test
    void openWhenVectorHTicketThenPlaintextEnvelopeAndMessage() {
        EncryptedPush push = vectorHTicket();
        assertThat(push.msgSignature()).isNotEqualTo(VECTOR_H_TICKET_MSG_SIGNATURE); // fresh random prefix
        assertThat(push.signature()).isEqualTo(VECTOR_H_TICKET_SIGNATURE);

        OpenedPush opened = open(push, onlyOurs);

        assertThat(opened.crypto()).isSameAs(crypto);
        assertThat(opened.plaintext()).isEqualTo(VECTOR_H_TICKET_PLAINTEXT);
        assertThat(opened.envelope()).containsOnlyKeys("AppId", "Encrypt").containsEntry("AppId", VECTOR_A_APPID);
        assertThat(opened.message()).containsEntry("ComponentVerifyTicket", "ticket@@@TEST_TICKET_0001");
        assertThat(opened.toString()).doesNotContain("ticket@@@", opened.envelope().get("Encrypt"));
    }

    @Test
    void openWhenSignatureNotSentOrUpperCaseThenOpened() {
        EncryptedPush push = vectorHTicket();
        byte[] body = push.body().getBytes(StandardCharsets.UTF_8);

        assertThat(OpenedPush.open(body, push.msgSignature().toUpperCase(Locale.ROOT), null, push.timestamp(),
                push.nonce(), onlyOurs).plaintext()).isEqualTo(VECTOR_H_TICKET_PLAINTEXT);
        assertThat(OpenedPush.open(body, push.msgSignature(), push.signature().toUpperCase(Locale.ROOT),
                push.timestamp(), push.nonce(), onlyOurs).plaintext()).isEqualTo(VECTOR_H_TICKET_PLAINTEXT);
    }

    @Test
    void openWhenFirstCandidateTokenDoesNotVerifyThenNextCandidateUsed() {
        WeChatMessageCrypto otherToken = new WeChatMessageCrypto("othertoken", VECTOR_A_ENCODING_AES_KEY,
                VECTOR_A_APPID);

        OpenedPush opened = open(vectorHTicket(), envelope -> List.of(otherToken, crypto));

        assertThat(opened.crypto()).isSameAs(crypto);
    }

    @Test
    void openWhenCandidatesRefuseThenTheirExceptionPassesThrough() {
        IllegalStateException refusal = new IllegalStateException("unknown AppId");

        assertThatThrownBy(() -> open(vectorHTicket(), envelope -> {
            throw refusal;
        })).isSameAs(refusal);
    }

    @Test
    void openWhenNoCandidateThenInvalidSignature() {
        assertThatThrownBy(() -> open(vectorHTicket(), envelope -> List.of()))
                .isExactlyInstanceOf(InvalidSignatureException.class).hasMessage("msg_signature does not match");
    }

    @Test
    void openWhenMsgSignatureWrongOrMissingThenInvalidSignature() {
        EncryptedPush push = vectorHTicket();
        byte[] body = push.body().getBytes(StandardCharsets.UTF_8);
        String flipped = (push.msgSignature().charAt(0) == '0' ? "1" : "0") + push.msgSignature().substring(1);

        for (String msgSignature : new String[] {flipped, null, "", push.msgSignature() + "0", "zz"}) {
            assertThatThrownBy(() -> OpenedPush.open(body, msgSignature, null, push.timestamp(), push.nonce(),
                    onlyOurs)).isExactlyInstanceOf(InvalidSignatureException.class)
                            .hasMessage("msg_signature does not match");
        }
    }

    @Test
    void openWhenPlainSignatureWrongThenInvalidSignature() {
        EncryptedPush push = vectorHTicket();

        assertThatThrownBy(() -> OpenedPush.open(push.body().getBytes(StandardCharsets.UTF_8), push.msgSignature(),
                push.msgSignature(), push.timestamp(), push.nonce(), onlyOurs))
                        .isExactlyInstanceOf(InvalidSignatureException.class).hasMessage("signature does not match");
    }

    @Test
    void openWhenEnvelopeDeclaresDtdThenMalformedEnvelope() {
        EncryptedPush push = vectorHTicket();
        byte[] body = ("<!DOCTYPE xml [<!ENTITY e \"x\">]>" + push.body()).getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> OpenedPush.open(body, push.msgSignature(), null, push.timestamp(), push.nonce(),
                onlyOurs)).isExactlyInstanceOf(MalformedMessageException.class).hasMessageStartingWith("envelope: ");
    }

    @Test
    void openWhenEnvelopeIsNotUtf8ThenMalformedEnvelope() {
        EncryptedPush push = vectorHTicket();
        byte[] body = push.body().getBytes(StandardCharsets.UTF_8);
        body[body.length - 2] = (byte) 0xC0;

        assertThatThrownBy(() -> OpenedPush.open(body, push.msgSignature(), null, push.timestamp(), push.nonce(),
                onlyOurs)).isExactlyInstanceOf(MalformedMessageException.class)
                        .hasMessage("envelope: XML is not valid UTF-8");
    }

    @Test
    void openWhenEnvelopeHasNoEncryptThenMalformed() {
        EncryptedPush push = vectorHTicket();
        byte[] body = ("<xml><AppId>" + VECTOR_A_APPID + "</AppId><Encrypt> </Encrypt></xml>")
                .getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> OpenedPush.open(body, push.msgSignature(), null, push.timestamp(), push.nonce(),
                onlyOurs)).isExactlyInstanceOf(MalformedMessageException.class)
                        .hasMessage("envelope has no Encrypt element");
    }

    @Test
    void openWhenEncryptedForAnotherAppidThenReceiveIdMismatch() {
        WeChatMessageCrypto forOther = new WeChatMessageCrypto(VECTOR_A_TOKEN, VECTOR_A_ENCODING_AES_KEY,
                OTHER_APPID);

        assertThatThrownBy(() -> open(EncryptedPush.of(forOther, VECTOR_H_TICKET_PLAINTEXT, "1", "2"), onlyOurs))
                .isExactlyInstanceOf(ReceiveIdMismatchException.class);
    }

    @Test
    void openWhenPaddingBadThenDecryptionException() throws Exception {
        EncryptedPush push = pushes.signedEnvelope(VECTOR_A_APPID, pushes.encryptRaw(pushes.badPaddingPlaintext()),
                "1413192605");

        assertThatThrownBy(() -> open(push, onlyOurs)).isExactlyInstanceOf(DecryptionException.class);
        // The thread's cipher is still good after a failure.
        assertThat(open(vectorHTicket(), onlyOurs).plaintext()).isEqualTo(VECTOR_H_TICKET_PLAINTEXT);
    }

    @Test
    void openWhenDecryptedMessageIsNotUtf8ThenMalformedMessage() throws Exception {
        byte[] message = {'<', 'x', (byte) 0xC3, (byte) 0x28, '>'};
        byte[] appid = VECTOR_A_APPID.getBytes(StandardCharsets.US_ASCII);
        int length = 16 + 4 + message.length + appid.length;
        int pad = 32 - length % 32;
        ByteBuffer plain = ByteBuffer.allocate(length + pad).put(new byte[16]).putInt(message.length).put(message)
                .put(appid);
        while (plain.hasRemaining()) {
            plain.put((byte) pad);
        }
        EncryptedPush push = pushes.signedEnvelope(VECTOR_A_APPID, pushes.encryptRaw(plain.array()), "1413192605");

        assertThatThrownBy(() -> open(push, onlyOurs)).isExactlyInstanceOf(MalformedMessageException.class)
                .hasMessage("message: XML is not valid UTF-8");
        assertThat(crypto.decrypt(SafeXml.parseFlat(push.body()).get("Encrypt"))).startsWith("<x");
    }

    @Test
    void messageWhenDecryptedMessageDeclaresDtdThenMalformed() {
        OpenedPush opened = open(EncryptedPush.of(crypto, "<!DOCTYPE xml><xml/>", "1", "2"), onlyOurs);

        assertThatThrownBy(opened::message).isExactlyInstanceOf(MalformedMessageException.class);
    }

    /** One crypto instance, many threads: each has its own Cipher and MessageDigest. */
    @Test
    void openWhenManyThreadsShareOneCryptoThenEveryPushOpensToItsOwnPlaintext() {
        List<EncryptedPush> many = IntStream.range(0, 2_000)
                .mapToObj(i -> EncryptedPush.of(crypto, TestPushes.ticketXml(VECTOR_A_APPID, "ticket@@@" + i,
                        Instant.ofEpochSecond(i)), String.valueOf(1_700_000_000 + i), String.valueOf(i)))
                .toList();

        List<String> opened = many.parallelStream().map(push -> open(push, onlyOurs).message())
                .map(fields -> fields.get("ComponentVerifyTicket")).toList();

        assertThat(opened).containsExactlyElementsOf(
                IntStream.range(0, 2_000).mapToObj(i -> "ticket@@@" + i).toList());
    }
}
