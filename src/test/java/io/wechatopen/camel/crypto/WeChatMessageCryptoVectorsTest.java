package io.wechatopen.camel.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Every test vector of wechat-protocol.md §6.3 (A, A', B, C, D, E, F, G, H). The vector values are copied verbatim
 * as constants, each next to the tests that use it, with a comment naming the vector it comes from. Random prefixes
 * are given by the vectors as 16 ASCII characters; the 16 prefix bytes are those characters.
 */
class WeChatMessageCryptoVectorsTest {

    private static byte[] ascii(String sixteenCharacters) {
        byte[] bytes = sixteenCharacters.getBytes(StandardCharsets.US_ASCII);
        assertThat(bytes).hasSize(16);
        return bytes;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Vector A: Tencent OA sample (Java WXBizMsgCryptTest) as copied in WxJava WxCryptUtilTest.

    /** Vector A: EncodingAESKey. */
    static final String VECTOR_A_ENCODING_AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    /** Vector A: Token. */
    static final String VECTOR_A_TOKEN = "pamtest";
    /** Vector A: AppId (receive id). */
    static final String VECTOR_A_APPID = "wxb11529c136998cb6";
    /** Vector A: random prefix (16 ASCII characters). */
    static final String VECTOR_A_RANDOM = "aaaabbbbccccdddd";
    /** Vector A: timestamp. */
    static final String VECTOR_A_TIMESTAMP = "1409304348";
    /** Vector A: nonce. */
    static final String VECTOR_A_NONCE = "xxxxxx";
    /** Vector A1: plaintext. */
    static final String VECTOR_A1_PLAINTEXT = "我是中文abcd123";
    /** Vector A1: Encrypt. */
    static final String VECTOR_A1_ENCRYPT = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==";
    /** Vector A2: plaintext. */
    static final String VECTOR_A2_PLAINTEXT = "<xml><ToUserName><![CDATA[oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw]]></ToUserName>"
            + "<FromUserName><![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>1407743423</CreateTime>"
            + "<MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s79GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0]]></MediaId>"
            + "<Title><![CDATA[testCallBackReplyVideo]]></Title><Description><![CDATA[testCallBackReplyVideo]]></Description>"
            + "</Video></xml>";
    /** Vector A2: Encrypt. */
    static final String VECTOR_A2_ENCRYPT = "jn1L23DB+6ELqJ+6bruv23M2GmYfkv0xBh2h+XTBOKVKcgDFHle6gqcZ1cZrk3e1qjPQ1F4RsLWzQRG9udbKWesxlkupqcEcW7ZQweImX9+wLMa0GaUzpkycA8+IamDBxn5loLgZpnS7fVAbExOkK5DYHBmv5tptA9tklE/fTIILHR8HLXa5nQvFb3tYPKAlHF3rtTeayNf0QuM+UW/wM9enGIDIJHF7CLHiDNAYxr+r+OrJCmPQyTy8cVWlu9iSvOHPT/77bZqJucQHQ04sq7KZI27OcqpQNSto2OdHCoTccjggX5Z9Mma0nMJBU+jLKJ38YB1fBIz+vBzsYjrTmFQ44YfeEuZ+xRTQwr92vhA9OxchWVINGC50qE/6lmkwWTwGX9wtQpsJKhP+oS7rvTY8+VdzETdfakjkwQ5/Xka042OlUb1/slTwo4RscuQ+RdxSGvDahxAJ6+EAjLt9d8igHngxIbf6YyqqROxuxqIeIch3CssH/LqRs+iAcILvApYZckqmA7FNERspKA5f8GoJ9sv8xmGvZ9Yrf57cExWtnX8aCMMaBropU/1k+hKP5LVdzbWCG0hGwx/dQudYR/eXp3P0XxjlFiy+9DMlaFExWUZQDajPkdPrEeOwofJb";
    /** Vector A (self-computed in §6.3, not published): msg_signature of A1 Encrypt at A timestamp/nonce. */
    static final String VECTOR_A1_MSG_SIGNATURE = "82c962d39941aa48552f90ef55aa323dc620cc10";
    /** Vector A (self-computed in §6.3, not published): plain signature of A token/timestamp/nonce. */
    static final String VECTOR_A_SIGNATURE = "76480565cbe296026c53aaacd1ad523a1ddba24f";

    private static WeChatMessageCrypto vectorACrypto() {
        return new WeChatMessageCrypto(VECTOR_A_TOKEN, VECTOR_A_ENCODING_AES_KEY, VECTOR_A_APPID);
    }

    @Test
    void encryptWhenVectorA1RandomThenPublishedEncrypt() {
        assertThat(vectorACrypto().encrypt(VECTOR_A1_PLAINTEXT, ascii(VECTOR_A_RANDOM))).isEqualTo(VECTOR_A1_ENCRYPT);
    }

    @Test
    void encryptWhenVectorA2RandomThenPublishedEncrypt() {
        assertThat(vectorACrypto().encrypt(VECTOR_A2_PLAINTEXT, ascii(VECTOR_A_RANDOM))).isEqualTo(VECTOR_A2_ENCRYPT);
    }

    @Test
    void decryptWhenVectorA1ThenPlaintext() {
        assertThat(vectorACrypto().decrypt(VECTOR_A1_ENCRYPT)).isEqualTo(VECTOR_A1_PLAINTEXT);
    }

    @Test
    void decryptWhenVectorA2ThenPlaintext() {
        assertThat(vectorACrypto().decrypt(VECTOR_A2_ENCRYPT)).isEqualTo(VECTOR_A2_PLAINTEXT);
    }

    @Test
    void decryptUncheckedWhenVectorA1ThenRandomPrefixAndReceiveId() {
        WeChatMessageCrypto.DecryptedMessage message = vectorACrypto().decryptUnchecked(VECTOR_A1_ENCRYPT);

        assertThat(message.plaintext()).isEqualTo(VECTOR_A1_PLAINTEXT);
        assertThat(message.receiveId()).isEqualTo(VECTOR_A_APPID);
        assertThat(message.randomPrefix()).isEqualTo(ascii(VECTOR_A_RANDOM));
    }

    @Test
    void msgSignatureWhenVectorA1ThenSelfComputedValue() {
        WeChatMessageCrypto crypto = vectorACrypto();

        assertThat(crypto.msgSignature(VECTOR_A_TIMESTAMP, VECTOR_A_NONCE, VECTOR_A1_ENCRYPT))
                .isEqualTo(VECTOR_A1_MSG_SIGNATURE);
        assertThatCode(() -> crypto.verifyMsgSignature(VECTOR_A1_MSG_SIGNATURE, VECTOR_A_TIMESTAMP, VECTOR_A_NONCE,
                VECTOR_A1_ENCRYPT)).doesNotThrowAnyException();
    }

    @Test
    void signatureWhenVectorAThenSelfComputedValue() {
        WeChatMessageCrypto crypto = vectorACrypto();

        assertThat(crypto.signature(VECTOR_A_TIMESTAMP, VECTOR_A_NONCE)).isEqualTo(VECTOR_A_SIGNATURE);
        assertThatCode(() -> crypto.verifySignature(VECTOR_A_SIGNATURE, VECTOR_A_TIMESTAMP, VECTOR_A_NONCE))
                .doesNotThrowAnyException();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Vector A': easywechat tests/Kernel/EncryptorTest.php test_decrypt (vector A key, token and AppId).

    /** Vector A': timestamp. */
    static final String VECTOR_A_PRIME_TIMESTAMP = "1458300676";
    /** Vector A': nonce. */
    static final String VECTOR_A_PRIME_NONCE = "260774613";
    /** Vector A': msg_signature. */
    static final String VECTOR_A_PRIME_MSG_SIGNATURE = "4f3ad57b6989f09f4eb392acce4f9e93942ed890";
    /** Vector A': Encrypt. */
    static final String VECTOR_A_PRIME_ENCRYPT = "rTNFcsut4LfGuAFKEUVVpwcaCOTJzOd9twZdIW910jb3k+iicx2uvhttIZ3Qg9Qgty3BEF2xbOrz6boTfb30dMomcgrkTqdFPwnhqbk+kIQ7rZiwny9D7NUrTgA5kpX3KsZvrXzUZyP2x9YOlxbgm572lmxKvM7HAQQhIQ/p6HBmoY30bGXFK0BtIu1pW9TjhOYrLQoU18nWYjWqDA1ynkmOytpv7QRI1P1+0NoxL0q2zO1DgeSvnE8CZGo/o5Ap/WHK5W2RAsinpzN4/LjPnmB6U01I5XCoJoC0GK/yMZycd2Oh8Nq6+wBkC1U85oy0ktOY4nLvsQMLrourmMGdZHuTbqpeJ8Ao/5PRYJ+WBvRUwPfGKBL2+2IKZF49vAJqkcGWSHGE76ZN2erXeuNazf/o9o3lIE3q739o4c8t9QGPe31GT2Go/rOz1BsrASwvauNulCh+++yz+CQzBIuikA==";
    /** Vector A': random prefix found on decryption. */
    static final String VECTOR_A_PRIME_RANDOM = "d43123b161a4ba84";
    /** Vector A': plaintext. */
    static final String VECTOR_A_PRIME_PLAINTEXT = "<xml><URL><![CDATA[http://wechat.laravel.so/server]]></URL>"
            + "<ToUserName><![CDATA[asdasdasd]]></ToUserName><FromUserName><![CDATA[asdasdasdsadasd]]></FromUserName>"
            + "<CreateTime>1234567898</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello]]></Content>"
            + "<MsgId>12345</MsgId></xml>";
    /** Vector A': receive id. */
    static final String VECTOR_A_PRIME_RECEIVE_ID = "wxb11529c136998cb6";

    @Test
    void verifyMsgSignatureWhenVectorAPrimeThenAccepted() {
        assertThatCode(() -> vectorACrypto().verifyMsgSignature(VECTOR_A_PRIME_MSG_SIGNATURE, VECTOR_A_PRIME_TIMESTAMP,
                VECTOR_A_PRIME_NONCE, VECTOR_A_PRIME_ENCRYPT)).doesNotThrowAnyException();
        assertThat(vectorACrypto().msgSignature(VECTOR_A_PRIME_TIMESTAMP, VECTOR_A_PRIME_NONCE, VECTOR_A_PRIME_ENCRYPT))
                .isEqualTo(VECTOR_A_PRIME_MSG_SIGNATURE);
    }

    @Test
    void decryptWhenVectorAPrimeThenPlaintextAndReceiveId() {
        WeChatMessageCrypto crypto = vectorACrypto();
        WeChatMessageCrypto.DecryptedMessage message = crypto.decryptUnchecked(VECTOR_A_PRIME_ENCRYPT);

        assertThat(crypto.decrypt(VECTOR_A_PRIME_ENCRYPT)).isEqualTo(VECTOR_A_PRIME_PLAINTEXT);
        assertThat(message.plaintext()).isEqualTo(VECTOR_A_PRIME_PLAINTEXT);
        assertThat(message.receiveId()).isEqualTo(VECTOR_A_PRIME_RECEIVE_ID);
        assertThat(message.randomPrefix()).isEqualTo(ascii(VECTOR_A_PRIME_RANDOM));
    }

    @Test
    void encryptWhenVectorAPrimeRandomThenPublishedEncrypt() {
        assertThat(vectorACrypto().encrypt(VECTOR_A_PRIME_PLAINTEXT, ascii(VECTOR_A_PRIME_RANDOM)))
                .isEqualTo(VECTOR_A_PRIME_ENCRYPT);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Vector B: WeCom official sample URL verification (receive id = corpid).

    /** Vector B: Token. */
    static final String VECTOR_B_TOKEN = "QDG6eK";
    /** Vector B: EncodingAESKey. */
    static final String VECTOR_B_ENCODING_AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    /** Vector B: CorpID (receive id). */
    static final String VECTOR_B_CORP_ID = "wx5823bf96d3bd56c7";
    /** Vector B: msg_signature. */
    static final String VECTOR_B_MSG_SIGNATURE = "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3";
    /** Vector B: timestamp. */
    static final String VECTOR_B_TIMESTAMP = "1409659589";
    /** Vector B: nonce. */
    static final String VECTOR_B_NONCE = "263014780";
    /** Vector B: echostr (the Encrypt value). */
    static final String VECTOR_B_ECHOSTR = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==";
    /** Vector B: plaintext. */
    static final String VECTOR_B_PLAINTEXT = "1616140317555161061";
    /** Vector B: random prefix found on decryption. */
    static final String VECTOR_B_RANDOM = "c41b64491c2468d0";

    @Test
    void verifyMsgSignatureWhenVectorBThenAccepted() {
        WeChatMessageCrypto crypto = new WeChatMessageCrypto(VECTOR_B_TOKEN, VECTOR_B_ENCODING_AES_KEY,
                VECTOR_B_CORP_ID);

        assertThatCode(() -> crypto.verifyMsgSignature(VECTOR_B_MSG_SIGNATURE, VECTOR_B_TIMESTAMP, VECTOR_B_NONCE,
                VECTOR_B_ECHOSTR)).doesNotThrowAnyException();
    }

    @Test
    void decryptWhenVectorBThenPlaintextForCorpId() {
        WeChatMessageCrypto crypto = new WeChatMessageCrypto(VECTOR_B_TOKEN, VECTOR_B_ENCODING_AES_KEY,
                VECTOR_B_CORP_ID);
        WeChatMessageCrypto.DecryptedMessage message = crypto.decryptUnchecked(VECTOR_B_ECHOSTR);

        assertThat(crypto.decrypt(VECTOR_B_ECHOSTR)).isEqualTo(VECTOR_B_PLAINTEXT);
        assertThat(message.receiveId()).isEqualTo(VECTOR_B_CORP_ID);
        assertThat(message.randomPrefix()).isEqualTo(ascii(VECTOR_B_RANDOM));
        assertThat(crypto.encrypt(VECTOR_B_PLAINTEXT, ascii(VECTOR_B_RANDOM))).isEqualTo(VECTOR_B_ECHOSTR);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Vectors C and D: Tencent OA Python sample (Sample.py) and C++ sample (Sample.cpp); same credentials.

    /** Vectors C and D: Token. */
    static final String VECTOR_CD_TOKEN = "spamtest";
    /** Vectors C and D: EncodingAESKey. */
    static final String VECTOR_CD_ENCODING_AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    /** Vectors C and D: AppId (receive id). */
    static final String VECTOR_CD_APPID = "wx2c2769f8efd9abc2";

    /** Vector C: timestamp. */
    static final String VECTOR_C_TIMESTAMP = "1409735669";
    /** Vector C: nonce. */
    static final String VECTOR_C_NONCE = "1320562132";
    /** Vector C: msg_signature. */
    static final String VECTOR_C_MSG_SIGNATURE = "5d197aaffba7e9b25a30732f161a50dee96bd5fa";
    /** Vector C: plain signature. */
    static final String VECTOR_C_SIGNATURE = "16120ec1b8dbb870f510d87ce6bc2463eae6ca1a";
    /** Vector C: Encrypt. */
    static final String VECTOR_C_ENCRYPT = "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=";
    /** Vector C: random prefix found on decryption. */
    static final String VECTOR_C_RANDOM = "89465c840c5f116f";
    /** Vector C: plaintext. */
    static final String VECTOR_C_PLAINTEXT = "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n"
            + "<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n<CreateTime>1409735668</CreateTime>\n"
            + "<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[abcdteT]]></Content>\n"
            + "<MsgId>6054768590064713728</MsgId>\n</xml>";

    private static WeChatMessageCrypto vectorCdCrypto() {
        return new WeChatMessageCrypto(VECTOR_CD_TOKEN, VECTOR_CD_ENCODING_AES_KEY, VECTOR_CD_APPID);
    }

    @Test
    void verifyMsgSignatureWhenVectorCThenAccepted() {
        assertThatCode(() -> vectorCdCrypto().verifyMsgSignature(VECTOR_C_MSG_SIGNATURE, VECTOR_C_TIMESTAMP,
                VECTOR_C_NONCE, VECTOR_C_ENCRYPT)).doesNotThrowAnyException();
    }

    @Test
    void verifySignatureWhenVectorCThenAccepted() {
        WeChatMessageCrypto crypto = vectorCdCrypto();

        assertThat(crypto.signature(VECTOR_C_TIMESTAMP, VECTOR_C_NONCE)).isEqualTo(VECTOR_C_SIGNATURE);
        assertThatCode(() -> crypto.verifySignature(VECTOR_C_SIGNATURE, VECTOR_C_TIMESTAMP, VECTOR_C_NONCE))
                .doesNotThrowAnyException();
    }

    @Test
    void decryptWhenVectorCThenPlaintext() {
        WeChatMessageCrypto crypto = vectorCdCrypto();

        assertThat(crypto.decrypt(VECTOR_C_ENCRYPT)).isEqualTo(VECTOR_C_PLAINTEXT);
        assertThat(crypto.decryptUnchecked(VECTOR_C_ENCRYPT).randomPrefix()).isEqualTo(ascii(VECTOR_C_RANDOM));
        assertThat(crypto.encrypt(VECTOR_C_PLAINTEXT, ascii(VECTOR_C_RANDOM))).isEqualTo(VECTOR_C_ENCRYPT);
    }

    /** Vector D: timestamp. */
    static final String VECTOR_D_TIMESTAMP = "1410349438";
    /** Vector D: nonce. */
    static final String VECTOR_D_NONCE = "298025754";
    /** Vector D: msg_signature. */
    static final String VECTOR_D_MSG_SIGNATURE = "003fee52ecc56afb46c00b5c7721be87860ce785";
    /** Vector D: Encrypt. */
    static final String VECTOR_D_ENCRYPT = "mfBCs65c67CeJw22u4VT2TD73q5H06+ocrAIxswCaeZ/d/Lw0msSZFHY0teqgSYiI1zR2gD2DKrB3TIrmX/liNSDrGqS8jSI/WPeKB5VPr7Ezr7gomZAyGCwJSgT1TRFWPfONGJMxuj2nk4faTuspAuVIFQ6SHwZuJBZC7mcJp7Cgr9cUhATQWDbOPaE7ukZBTV2YqyzH+UI2AK+J1S47cE79k1RX8t0hcTz/O0hlK8DGXKnvYv88qKQcI7z4iaajqHfRVZKBNyOODabs+It+ZfM3dWTeFcPgDbGtIEnpt/EDtuuA/zMvtkaKdHdswPnVZQ+xdwbYr3ldGvfT8HlEYEgkgKaThxTFobVlwzu2ZkXCjicbP3xdr15Iq48ObgzPpqYuZ3IEoyggZDKClquk0u0orMck4GTF/XyE8yGzc4=";
    /** Vector D: random prefix found on decryption. */
    static final String VECTOR_D_RANDOM = "78b55f1d91440c6b";
    /** Vector D: plaintext. */
    static final String VECTOR_D_PLAINTEXT = "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n"
            + "<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n<CreateTime>1410349438</CreateTime>\n"
            + "<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[abcdteT]]></Content>\n"
            + "<MsgId>6057404712141979648</MsgId>\n</xml>";

    @Test
    void verifyMsgSignatureWhenVectorDThenAccepted() {
        assertThatCode(() -> vectorCdCrypto().verifyMsgSignature(VECTOR_D_MSG_SIGNATURE, VECTOR_D_TIMESTAMP,
                VECTOR_D_NONCE, VECTOR_D_ENCRYPT)).doesNotThrowAnyException();
    }

    @Test
    void decryptWhenVectorDThenPlaintext() {
        WeChatMessageCrypto crypto = vectorCdCrypto();

        assertThat(crypto.decrypt(VECTOR_D_ENCRYPT)).isEqualTo(VECTOR_D_PLAINTEXT);
        assertThat(crypto.decryptUnchecked(VECTOR_D_ENCRYPT).randomPrefix()).isEqualTo(ascii(VECTOR_D_RANDOM));
        assertThat(crypto.encrypt(VECTOR_D_PLAINTEXT, ascii(VECTOR_D_RANDOM))).isEqualTo(VECTOR_D_ENCRYPT);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Vector E: official third-party-platform worked example (message_push.md, 43 x 'A' key).

    /** Vector E: Token. */
    static final String VECTOR_E_TOKEN = "AAAAA";
    /** Vector E: EncodingAESKey (decodes to 32 zero bytes). */
    static final String VECTOR_E_ENCODING_AES_KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    /** Vector E: component appid (the receive id, although the message is for Mini Program wxba5fad812f8e6fb9). */
    static final String VECTOR_E_COMPONENT_APPID = "wx134c8103faa5a59e";
    /** Vector E: the push URL WeChat called. */
    static final String VECTOR_E_PUSH_URL = "https://www.qq.com/wxba5fad812f8e6fb9/revice"
            + "?signature=cc0c594499c1634947d5b502f158ee518947db27&timestamp=1715943329&nonce=1590219412"
            + "&openid=o9AgO5Kd5ggOC-bXrbNODIiE3bGY&encrypt_type=aes&msg_signature=6c12a4205838198b8fa631b3220723bb07f1015c";
    /** Vector E: Encrypt. */
    static final String VECTOR_E_ENCRYPT = "D7yzvUNAL930rd28wf21s4hvXhz0L6Uit/p2Di6C5DHyYGpEgdBRnKjBec34JwoQXicwaZC7fOVihW80F4VtsdvE//1vr7oAbqjDv8KenVp+ajKYpJnyQ4zMRhIC+a31fCVOMC03FfzV/QuC94kBP55a+Za3sJgvAn+ZbsNqZI5DkyuzkhQN8OBqCzFhizGmy0xpM0MEA4agpvE+RuNO1rhHTtuJB5yltw1FiYzecSXJ+y/D2r81VkRn2eYjh2ltsoyfbDR7Is6ookXIFxTfyeNyeHxMeT4KN5WpCDmSbTcUYrbBUlkGLJ9n/rU8YOywma6G7aTb7KZKOqCxgfoUlYEZPk4FUL/TK7ShriFDMVCLyjQJ15Ob++agDWtcxhfUfe6HIoIpRW8mKNBQiY/Jd1svvuskA1wLef1RTtzKfMpagSCX/laZINmdnX4zrF6kIaR9P4xQrWXbsTFHTYe0Mg==";
    /** Vector E: body as posted. */
    static final String VECTOR_E_BODY = "<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName><Encrypt><![CDATA["
            + VECTOR_E_ENCRYPT + "]]></Encrypt></xml>";
    /** Vector E: random prefix found on decryption. */
    static final String VECTOR_E_RANDOM = "1205899eaf019bbd";
    /** Vector E: msg_len (UTF-8 bytes of the plaintext). */
    static final int VECTOR_E_MSG_LEN = 292;
    /** Vector E: plaintext. */
    static final String VECTOR_E_PLAINTEXT = "<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName>\n"
            + "<FromUserName><![CDATA[o9AgO5Kd5ggOC-bXrbNODIiE3bGY]]></FromUserName>\n<CreateTime>1715943329</CreateTime>\n"
            + "<MsgType><![CDATA[event]]></MsgType>\n<Event><![CDATA[debug_demo]]></Event>\n"
            + "<debug_str><![CDATA[hello world]]></debug_str>\n</xml>";
    /** Vector E: reply plaintext. */
    static final String VECTOR_E_REPLY_PLAINTEXT = "<xml><demo_resp>[CDATA[good luck]]</demo_resp></xml>";
    /** Vector E: reply random prefix. */
    static final String VECTOR_E_REPLY_RANDOM = "999951349e8ee746";
    /** Vector E: reply TimeStamp. */
    static final String VECTOR_E_REPLY_TIMESTAMP = "1713424427";
    /** Vector E: reply Nonce. */
    static final String VECTOR_E_REPLY_NONCE = "415670741";
    /** Vector E: reply Encrypt. */
    static final String VECTOR_E_REPLY_ENCRYPT = "hE8R6mGXHkJJjU72KxzKUd1GEkKJaEZq7vRL8XgK3o+00k8JGq6+pZJUIlTSyhsX+bxIBQ72g3GyvDdIZcr6+3HAZbSvPT9t/o11MI7d6WELwqrGd7jMnV0zv3Zc9Nq7";
    /** Vector E: reply MsgSignature. */
    static final String VECTOR_E_REPLY_MSG_SIGNATURE = "03e0812039325c2712ef5f0f980fd14c70d6e307";

    private static WeChatMessageCrypto vectorECrypto() {
        return new WeChatMessageCrypto(VECTOR_E_TOKEN, VECTOR_E_ENCODING_AES_KEY, VECTOR_E_COMPONENT_APPID);
    }

    private static Map<String, String> query(String url) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            parameters.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return parameters;
    }

    @Test
    void verifyWhenVectorEPushUrlThenSignatureAndMsgSignatureAccepted() {
        WeChatMessageCrypto crypto = vectorECrypto();
        Map<String, String> query = query(VECTOR_E_PUSH_URL);
        String encrypt = SafeXml.parseFlat(VECTOR_E_BODY).get("Encrypt");

        assertThat(encrypt).isEqualTo(VECTOR_E_ENCRYPT);
        assertThat(query).containsEntry("encrypt_type", "aes");
        assertThatCode(() -> crypto.verifySignature(query.get("signature"), query.get("timestamp"), query.get("nonce")))
                .doesNotThrowAnyException();
        assertThatCode(() -> crypto.verifyMsgSignature(query.get("msg_signature"), query.get("timestamp"),
                query.get("nonce"), encrypt)).doesNotThrowAnyException();
        assertThat(crypto.signature("1715943329", "1590219412")).isEqualTo("cc0c594499c1634947d5b502f158ee518947db27");
        assertThat(crypto.msgSignature("1715943329", "1590219412", VECTOR_E_ENCRYPT))
                .isEqualTo("6c12a4205838198b8fa631b3220723bb07f1015c");
    }

    @Test
    void decryptWhenVectorEThenPlaintextAndComponentAppidAsReceiveId() {
        WeChatMessageCrypto crypto = vectorECrypto();
        WeChatMessageCrypto.DecryptedMessage message = crypto.decryptUnchecked(VECTOR_E_ENCRYPT);

        assertThat(crypto.decrypt(VECTOR_E_ENCRYPT)).isEqualTo(VECTOR_E_PLAINTEXT);
        assertThat(message.receiveId()).isEqualTo(VECTOR_E_COMPONENT_APPID);
        assertThat(message.randomPrefix()).isEqualTo(ascii(VECTOR_E_RANDOM));
        assertThat(message.plaintext().getBytes(StandardCharsets.UTF_8)).hasSize(VECTOR_E_MSG_LEN);
        assertThat(crypto.encrypt(VECTOR_E_PLAINTEXT, ascii(VECTOR_E_RANDOM))).isEqualTo(VECTOR_E_ENCRYPT);
    }

    @Test
    void encryptWhenVectorEReplyRandomThenPublishedReplyEncryptAndMsgSignature() {
        WeChatMessageCrypto crypto = vectorECrypto();

        String replyEncrypt = crypto.encrypt(VECTOR_E_REPLY_PLAINTEXT, ascii(VECTOR_E_REPLY_RANDOM));

        assertThat(replyEncrypt).isEqualTo(VECTOR_E_REPLY_ENCRYPT);
        assertThat(crypto.msgSignature(VECTOR_E_REPLY_TIMESTAMP, VECTOR_E_REPLY_NONCE, VECTOR_E_REPLY_ENCRYPT))
                .isEqualTo(VECTOR_E_REPLY_MSG_SIGNATURE);
        assertThat(crypto.decrypt(VECTOR_E_REPLY_ENCRYPT)).isEqualTo(VECTOR_E_REPLY_PLAINTEXT);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Vector F: wechatpy tests/test_crypto.py (WeCom class, identical algorithm).

    /** Vector F: Token. */
    static final String VECTOR_F_TOKEN = "123456";
    /** Vector F: EncodingAESKey. */
    static final String VECTOR_F_ENCODING_AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR";
    /** Vector F: receive id. */
    static final String VECTOR_F_RECEIVE_ID = "wx49f0ab532d5d035a";

    /** Vector F1: msg_signature. */
    static final String VECTOR_F1_MSG_SIGNATURE = "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96";
    /** Vector F1: timestamp. */
    static final String VECTOR_F1_TIMESTAMP = "1411443780";
    /** Vector F1: nonce. */
    static final String VECTOR_F1_NONCE = "437374425";
    /** Vector F1: echostr. */
    static final String VECTOR_F1_ECHOSTR = "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q==";
    /** Vector F1: plaintext. */
    static final String VECTOR_F1_PLAINTEXT = "5927782489442352469";

    /** Vector F2: msg_signature. */
    static final String VECTOR_F2_MSG_SIGNATURE = "74d92dfeb87ba7c714f89d98870ae5eb62dff26d";
    /** Vector F2: timestamp. */
    static final String VECTOR_F2_TIMESTAMP = "1411525903";
    /** Vector F2: nonce. */
    static final String VECTOR_F2_NONCE = "461056294";
    /** Vector F2: Encrypt. */
    static final String VECTOR_F2_ENCRYPT = "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=";
    /** Vector F2: plaintext. */
    static final String VECTOR_F2_PLAINTEXT = "<xml><ToUserName><![CDATA[wx49f0ab532d5d035a]]></ToUserName>\n"
            + "<FromUserName><![CDATA[messense]]></FromUserName>\n<CreateTime>1411525903</CreateTime>\n"
            + "<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n"
            + "<MsgId>4363689963896700987</MsgId>\n<AgentID>1</AgentID>\n</xml>";

    /** Vector F3: random prefix. */
    static final String VECTOR_F3_RANDOM = "1234567890123456";
    /** Vector F3: timestamp. */
    static final String VECTOR_F3_TIMESTAMP = "1411525903";
    /** Vector F3: nonce. */
    static final String VECTOR_F3_NONCE = "461056294";
    /** Vector F3: plaintext. */
    static final String VECTOR_F3_PLAINTEXT = "<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n"
            + "<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n<ToUserName><![CDATA[messense]]></ToUserName>\n"
            + "<AgentID>1</AgentID>\n<CreateTime>1411525903</CreateTime>\n</xml>";
    /** Vector F3: Encrypt. */
    static final String VECTOR_F3_ENCRYPT = "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3";
    /** Vector F3: MsgSignature. */
    static final String VECTOR_F3_MSG_SIGNATURE = "407518b7649e86ef23978113f92d27afa9296533";

    private static WeChatMessageCrypto vectorFCrypto() {
        return new WeChatMessageCrypto(VECTOR_F_TOKEN, VECTOR_F_ENCODING_AES_KEY, VECTOR_F_RECEIVE_ID);
    }

    @Test
    void decryptWhenVectorF1EchostrThenVerifiedPlaintext() {
        WeChatMessageCrypto crypto = vectorFCrypto();

        assertThatCode(() -> crypto.verifyMsgSignature(VECTOR_F1_MSG_SIGNATURE, VECTOR_F1_TIMESTAMP, VECTOR_F1_NONCE,
                VECTOR_F1_ECHOSTR)).doesNotThrowAnyException();
        assertThat(crypto.decrypt(VECTOR_F1_ECHOSTR)).isEqualTo(VECTOR_F1_PLAINTEXT);
    }

    @Test
    void decryptWhenVectorF2ThenVerifiedPlaintext() {
        WeChatMessageCrypto crypto = vectorFCrypto();

        assertThatCode(() -> crypto.verifyMsgSignature(VECTOR_F2_MSG_SIGNATURE, VECTOR_F2_TIMESTAMP, VECTOR_F2_NONCE,
                VECTOR_F2_ENCRYPT)).doesNotThrowAnyException();
        assertThat(crypto.decrypt(VECTOR_F2_ENCRYPT)).isEqualTo(VECTOR_F2_PLAINTEXT);
    }

    @Test
    void encryptWhenVectorF3RandomThenPublishedEncryptAndMsgSignature() {
        WeChatMessageCrypto crypto = vectorFCrypto();

        String encrypt = crypto.encrypt(VECTOR_F3_PLAINTEXT, ascii(VECTOR_F3_RANDOM));

        assertThat(encrypt).isEqualTo(VECTOR_F3_ENCRYPT);
        assertThat(crypto.msgSignature(VECTOR_F3_TIMESTAMP, VECTOR_F3_NONCE, encrypt))
                .isEqualTo(VECTOR_F3_MSG_SIGNATURE);
        assertThat(crypto.decrypt(VECTOR_F3_ENCRYPT)).isEqualTo(VECTOR_F3_PLAINTEXT);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Vector G: official plain-signature (URL verification) example, miniprogram message-push.md.

    /** Vector G: Token. */
    static final String VECTOR_G_TOKEN = "AAAAA";
    /** Vector G: timestamp. */
    static final String VECTOR_G_TIMESTAMP = "1714036504";
    /** Vector G: nonce. */
    static final String VECTOR_G_NONCE = "1514711492";
    /** Vector G: signature. */
    static final String VECTOR_G_SIGNATURE = "f464b24fc39322e44b38aa78f5edd27bd1441696";

    @Test
    void signatureWhenVectorGThenPublishedSignature() {
        WeChatMessageCrypto crypto = new WeChatMessageCrypto(VECTOR_G_TOKEN, VECTOR_E_ENCODING_AES_KEY,
                VECTOR_E_COMPONENT_APPID);

        assertThat(crypto.signature(VECTOR_G_TIMESTAMP, VECTOR_G_NONCE)).isEqualTo(VECTOR_G_SIGNATURE);
        assertThat(WeChatMessageCrypto.sha1OfSorted(VECTOR_G_TOKEN, VECTOR_G_TIMESTAMP, VECTOR_G_NONCE))
                .isEqualTo(VECTOR_G_SIGNATURE);
        assertThatCode(() -> crypto.verifySignature(VECTOR_G_SIGNATURE, VECTOR_G_TIMESTAMP, VECTOR_G_NONCE))
                .doesNotThrowAnyException();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Vector H: self-generated component pushes (not published), vector A credentials.

    /** Vector H [ticket]: plaintext. */
    static final String VECTOR_H_TICKET_PLAINTEXT = "<xml><AppId><![CDATA[wxb11529c136998cb6]]></AppId>\n"
            + "<CreateTime>1413192605</CreateTime>\n<InfoType><![CDATA[component_verify_ticket]]></InfoType>\n"
            + "<ComponentVerifyTicket><![CDATA[ticket@@@TEST_TICKET_0001]]></ComponentVerifyTicket>\n</xml>";
    /** Vector H [ticket]: random prefix. */
    static final String VECTOR_H_TICKET_RANDOM = "0123456789abcdef";
    /** Vector H [ticket]: timestamp. */
    static final String VECTOR_H_TICKET_TIMESTAMP = "1413192605";
    /** Vector H [ticket]: nonce. */
    static final String VECTOR_H_TICKET_NONCE = "1320562132";
    /** Vector H [ticket]: Encrypt. */
    static final String VECTOR_H_TICKET_ENCRYPT = "Q3stYC6hdFzMh9T8HCvyDHbKQqSxgboF8oFZaBcMh1dXsi83Psk3gCgFeOBRH8k29OmF3fGvT63Ee/ZXEThSlcgdC7WerSVENf0p701iIB+ptHGoGU3tBlPR9Bxu6MlGkSiEbKJyZNtAU2OYpxr5wwTfB5eepEuPA4MWYQVnK3R433WLy3XPpfyftPhsE3DfCaOyChnZsi1l4ong+U2sgWNIx0LnHof2Jza2eQfFaIYxPJDnJvoca9ttNYKalnWMpTukFHEbfEXOxHiADzKUQO6LS58j+P6WOYRxexAvtnBnM03iFu9l5JBXj7Rl6J+D5KQDW0g/uy5v8N8gGsY2rpSUZHmOJFHttK02mm9QqFKdtJoBlMuHrrI8VmhR3dNB";
    /** Vector H [ticket]: msg_signature. */
    static final String VECTOR_H_TICKET_MSG_SIGNATURE = "087104a0dd849297737d3ffac7af0e4ce3de81c1";
    /** Vector H [ticket]: signature. */
    static final String VECTOR_H_TICKET_SIGNATURE = "bafb94c8b6d2c6a13565d242eb8945748ff7a041";
    /** Vector H [ticket]: query (without the leading '?'). */
    static final String VECTOR_H_TICKET_QUERY = "signature=bafb94c8b6d2c6a13565d242eb8945748ff7a041&timestamp=1413192605"
            + "&nonce=1320562132&encrypt_type=aes&msg_signature=087104a0dd849297737d3ffac7af0e4ce3de81c1";

    /** Vector H [authorized]: plaintext. */
    static final String VECTOR_H_AUTHORIZED_PLAINTEXT = "<xml><AppId><![CDATA[wxb11529c136998cb6]]></AppId>\n"
            + "<CreateTime>1413192760</CreateTime>\n<InfoType><![CDATA[authorized]]></InfoType>\n"
            + "<AuthorizerAppid><![CDATA[wxf8b4f85f3a794e77]]></AuthorizerAppid>\n"
            + "<AuthorizationCode><![CDATA[queryauthcode@@@TEST_AUTH_CODE_0001]]></AuthorizationCode>\n"
            + "<AuthorizationCodeExpiredTime>1413196360</AuthorizationCodeExpiredTime>\n"
            + "<PreAuthCode><![CDATA[preauthcode@@@TEST_PRE_AUTH_0001]]></PreAuthCode>\n</xml>";
    /** Vector H [authorized]: random prefix. */
    static final String VECTOR_H_AUTHORIZED_RANDOM = "fedcba9876543210";
    /** Vector H [authorized]: timestamp. */
    static final String VECTOR_H_AUTHORIZED_TIMESTAMP = "1413192760";
    /** Vector H [authorized]: nonce. */
    static final String VECTOR_H_AUTHORIZED_NONCE = "263014780";
    /** Vector H [authorized]: Encrypt. */
    static final String VECTOR_H_AUTHORIZED_ENCRYPT = "DpQeJfnf/MGZ/+GTIspwVB/drYaXil+m5OMqRXhIneAlkEL7CfVNpHtSqGMO3KbX0t7rsR9//jk4LDBS930F1F4MzOcji4RQM47L6VGna490c8BQkKVhKlwv5p82vWq2gen2LpThQBh4QMXtf8fuqZ9BUygbR3yADjn4JBdsSSFN2RPCRMVf4FHg7rJHl1wnc8kio1o24mAkcgsU7UB6EZWLqmU+nNLrMyoLlSRQhM9lfodtvNg/6qohPioViO81vgEstAihmNccvFEh0yQPCBMSOT9jfv7USMAYm88bN7USpZ7qmsxIdVZhh5RVb/S2cn+di4o9FO5626QbMHT6e+XdG6fBTAVk6xRuFEZfOc8mN1Wh/kMCLVkW2lYsk59Py6mhpfTiw29oH1hEIucsxcMaIvtbgyWu3KF6ali/uG7D5uXZ1sCG0e/+fBrqc5vhaemSdJ3bJo3/IrTEkg+OIDBy8yPo4MoLIMZVI2wfGaWZV8OZ7FYWVkAscP3dZQz9tpC6N2JI3350JByMo5fXkqxgDGWpv8fwZgKrGyl3RpsOHp0Bm0lqgmZbYtJ42J6EXRBCMRs8MUENoOIUiNysWtSfwADJizPCPlR0PC/eVKx06y0UBLKvh2aOxV049LTV";
    /** Vector H [authorized]: msg_signature. */
    static final String VECTOR_H_AUTHORIZED_MSG_SIGNATURE = "9bc2343e76bfa8396b5ce640d32981bbdf40de06";
    /** Vector H [authorized]: signature. */
    static final String VECTOR_H_AUTHORIZED_SIGNATURE = "05ed62570a0cda0b2bd0d4b73d1fb098a5f3cb2a";
    /** Vector H [authorized]: query (without the leading '?'). */
    static final String VECTOR_H_AUTHORIZED_QUERY = "signature=05ed62570a0cda0b2bd0d4b73d1fb098a5f3cb2a"
            + "&timestamp=1413192760&nonce=263014780&encrypt_type=aes&msg_signature=9bc2343e76bfa8396b5ce640d32981bbdf40de06";

    /** Vector H: the body to POST, with Encrypt filled in. */
    private static String vectorHBody(String encrypt) {
        return "<xml><AppId><![CDATA[wxb11529c136998cb6]]></AppId><Encrypt><![CDATA[" + encrypt + "]]></Encrypt></xml>";
    }

    @Test
    void encryptWhenVectorHTicketRandomThenEncryptSignaturesAndQuery() {
        WeChatMessageCrypto crypto = vectorACrypto();

        String encrypt = crypto.encrypt(VECTOR_H_TICKET_PLAINTEXT, ascii(VECTOR_H_TICKET_RANDOM));
        String msgSignature = crypto.msgSignature(VECTOR_H_TICKET_TIMESTAMP, VECTOR_H_TICKET_NONCE, encrypt);
        String signature = crypto.signature(VECTOR_H_TICKET_TIMESTAMP, VECTOR_H_TICKET_NONCE);
        EncryptedPush push = new EncryptedPush(VECTOR_H_TICKET_TIMESTAMP, VECTOR_H_TICKET_NONCE, signature,
                msgSignature, vectorHBody(encrypt));

        assertThat(encrypt).isEqualTo(VECTOR_H_TICKET_ENCRYPT);
        assertThat(msgSignature).isEqualTo(VECTOR_H_TICKET_MSG_SIGNATURE);
        assertThat(signature).isEqualTo(VECTOR_H_TICKET_SIGNATURE);
        assertThat(push.queryString()).isEqualTo(VECTOR_H_TICKET_QUERY);
    }

    @Test
    void decryptWhenVectorHTicketThenVerifiedPlaintext() {
        WeChatMessageCrypto crypto = vectorACrypto();
        String encrypt = SafeXml.parseFlat(vectorHBody(VECTOR_H_TICKET_ENCRYPT)).get("Encrypt");

        assertThatCode(() -> crypto.verifyMsgSignature(VECTOR_H_TICKET_MSG_SIGNATURE, VECTOR_H_TICKET_TIMESTAMP,
                VECTOR_H_TICKET_NONCE, encrypt)).doesNotThrowAnyException();
        assertThatCode(() -> crypto.verifySignature(VECTOR_H_TICKET_SIGNATURE, VECTOR_H_TICKET_TIMESTAMP,
                VECTOR_H_TICKET_NONCE)).doesNotThrowAnyException();
        assertThat(crypto.decrypt(encrypt)).isEqualTo(VECTOR_H_TICKET_PLAINTEXT);
        assertThat(SafeXml.parseFlat(crypto.decrypt(encrypt))).containsExactly(
                Map.entry("AppId", "wxb11529c136998cb6"),
                Map.entry("CreateTime", "1413192605"),
                Map.entry("InfoType", "component_verify_ticket"),
                Map.entry("ComponentVerifyTicket", "ticket@@@TEST_TICKET_0001"));
    }

    @Test
    void encryptWhenVectorHAuthorizedRandomThenEncryptSignaturesAndQuery() {
        WeChatMessageCrypto crypto = vectorACrypto();

        String encrypt = crypto.encrypt(VECTOR_H_AUTHORIZED_PLAINTEXT, ascii(VECTOR_H_AUTHORIZED_RANDOM));
        String msgSignature = crypto.msgSignature(VECTOR_H_AUTHORIZED_TIMESTAMP, VECTOR_H_AUTHORIZED_NONCE, encrypt);
        String signature = crypto.signature(VECTOR_H_AUTHORIZED_TIMESTAMP, VECTOR_H_AUTHORIZED_NONCE);
        EncryptedPush push = new EncryptedPush(VECTOR_H_AUTHORIZED_TIMESTAMP, VECTOR_H_AUTHORIZED_NONCE, signature,
                msgSignature, vectorHBody(encrypt));

        assertThat(encrypt).isEqualTo(VECTOR_H_AUTHORIZED_ENCRYPT);
        assertThat(msgSignature).isEqualTo(VECTOR_H_AUTHORIZED_MSG_SIGNATURE);
        assertThat(signature).isEqualTo(VECTOR_H_AUTHORIZED_SIGNATURE);
        assertThat(push.queryString()).isEqualTo(VECTOR_H_AUTHORIZED_QUERY);
    }

    @Test
    void decryptWhenVectorHAuthorizedThenVerifiedPlaintext() {
        WeChatMessageCrypto crypto = vectorACrypto();
        String encrypt = SafeXml.parseFlat(vectorHBody(VECTOR_H_AUTHORIZED_ENCRYPT)).get("Encrypt");

        assertThatCode(() -> crypto.verifyMsgSignature(VECTOR_H_AUTHORIZED_MSG_SIGNATURE,
                VECTOR_H_AUTHORIZED_TIMESTAMP, VECTOR_H_AUTHORIZED_NONCE, encrypt)).doesNotThrowAnyException();
        assertThatCode(() -> crypto.verifySignature(VECTOR_H_AUTHORIZED_SIGNATURE, VECTOR_H_AUTHORIZED_TIMESTAMP,
                VECTOR_H_AUTHORIZED_NONCE)).doesNotThrowAnyException();
        assertThat(crypto.decrypt(encrypt)).isEqualTo(VECTOR_H_AUTHORIZED_PLAINTEXT);
        assertThat(SafeXml.parseFlat(crypto.decrypt(encrypt))).containsExactly(
                Map.entry("AppId", "wxb11529c136998cb6"),
                Map.entry("CreateTime", "1413192760"),
                Map.entry("InfoType", "authorized"),
                Map.entry("AuthorizerAppid", "wxf8b4f85f3a794e77"),
                Map.entry("AuthorizationCode", "queryauthcode@@@TEST_AUTH_CODE_0001"),
                Map.entry("AuthorizationCodeExpiredTime", "1413196360"),
                Map.entry("PreAuthCode", "preauthcode@@@TEST_PRE_AUTH_0001"));
    }
}
