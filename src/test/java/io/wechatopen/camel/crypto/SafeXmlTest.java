package io.wechatopen.camel.crypto;

import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_E_BODY;
import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_E_ENCRYPT;
import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_E_PLAINTEXT;
import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_E_REPLY_PLAINTEXT;
import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_H_AUTHORIZED_PLAINTEXT;
import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_H_TICKET_ENCRYPT;
import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_H_TICKET_PLAINTEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link SafeXml}: flat parsing of WeChat envelopes and payloads, and refusal of hostile XML. */
class SafeXmlTest {

    /** wechat-protocol.md §5.1: envelope of a component push (AppId instead of ToUserName), as WeChat formats it. */
    static final String COMPONENT_ENVELOPE = "<xml>\n    <AppId><![CDATA[wx27cbbee18fa9fb94]]></AppId>\n"
            + "    <Encrypt><![CDATA[" + VECTOR_H_TICKET_ENCRYPT + "]]></Encrypt>\n</xml>";

    /** wechat-protocol.md §5.2: real unauthorized push (plain text numbers, CDATA strings, newline separated). */
    static final String UNAUTHORIZED_PLAINTEXT = "<xml><AppId><![CDATA[wx33a29886d374e0e5]]></AppId>\n"
            + "<CreateTime>1499075237</CreateTime>\n<InfoType><![CDATA[unauthorized]]></InfoType>\n"
            + "<AuthorizerAppid><![CDATA[wxd517bf9f1fecf729]]></AuthorizerAppid>\n</xml>";

    private static void assertMalformed(String xml) {
        assertThatThrownBy(() -> SafeXml.parseFlat(xml))
                .isExactlyInstanceOf(MalformedMessageException.class)
                .extracting(e -> ((WeChatCryptoException) e).getErrorCode()).isEqualTo(-40002);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Parsing

    @Test
    void parseFlatWhenComponentEnvelopeThenAppIdAndEncryptInOrder() {
        assertThat(SafeXml.parseFlat(COMPONENT_ENVELOPE)).containsExactly(
                Map.entry("AppId", "wx27cbbee18fa9fb94"),
                Map.entry("Encrypt", VECTOR_H_TICKET_ENCRYPT));
    }

    @Test
    void parseFlatWhenVectorEMessageEnvelopeThenToUserNameAndEncrypt() {
        assertThat(SafeXml.parseFlat(VECTOR_E_BODY)).containsExactly(
                Map.entry("ToUserName", "gh_97417a04a28d"),
                Map.entry("Encrypt", VECTOR_E_ENCRYPT));
    }

    @Test
    void parseFlatWhenTicketPayloadThenFieldsInDocumentOrder() {
        assertThat(SafeXml.parseFlat(VECTOR_H_TICKET_PLAINTEXT)).containsExactly(
                Map.entry("AppId", "wxb11529c136998cb6"),
                Map.entry("CreateTime", "1413192605"),
                Map.entry("InfoType", "component_verify_ticket"),
                Map.entry("ComponentVerifyTicket", "ticket@@@TEST_TICKET_0001"));
    }

    @Test
    void parseFlatWhenAuthorizedPayloadThenSevenFieldsInDocumentOrder() {
        assertThat(SafeXml.parseFlat(VECTOR_H_AUTHORIZED_PLAINTEXT).keySet()).containsExactly("AppId", "CreateTime",
                "InfoType", "AuthorizerAppid", "AuthorizationCode", "AuthorizationCodeExpiredTime", "PreAuthCode");
    }

    @Test
    void parseFlatWhenUnauthorizedPayloadThenPlainAndCdataValues() {
        assertThat(SafeXml.parseFlat(UNAUTHORIZED_PLAINTEXT)).containsExactly(
                Map.entry("AppId", "wx33a29886d374e0e5"),
                Map.entry("CreateTime", "1499075237"),
                Map.entry("InfoType", "unauthorized"),
                Map.entry("AuthorizerAppid", "wxd517bf9f1fecf729"));
    }

    @Test
    void parseFlatWhenVectorEPayloadThenLowerCaseElementNamesKept() {
        assertThat(SafeXml.parseFlat(VECTOR_E_PLAINTEXT))
                .containsEntry("Event", "debug_demo")
                .containsEntry("debug_str", "hello world")
                .containsEntry("CreateTime", "1715943329");
    }

    /** Vector E's reply is not CDATA at all: "[CDATA[good luck]]" is plain text. */
    @Test
    void parseFlatWhenTextLooksLikeCdataThenTakenLiterally() {
        assertThat(SafeXml.parseFlat(VECTOR_E_REPLY_PLAINTEXT)).containsExactly(
                Map.entry("demo_resp", "[CDATA[good luck]]"));
    }

    @Test
    void parseFlatWhenReplyEnvelopePrettyPrintedThenValuesWithoutSurroundingWhitespace() {
        String reply = "<xml>\n<Encrypt>\n  <![CDATA[abc+/=]]>\n</Encrypt>\n<MsgSignature><![CDATA[03e0]]></MsgSignature>\n"
                + "<TimeStamp>1713424427</TimeStamp>\n<Nonce><![CDATA[415670741]]></Nonce>\n</xml>";

        assertThat(SafeXml.parseFlat(reply)).containsExactly(
                Map.entry("Encrypt", "abc+/="),
                Map.entry("MsgSignature", "03e0"),
                Map.entry("TimeStamp", "1713424427"),
                Map.entry("Nonce", "415670741"));
    }

    @Test
    void parseFlatWhenTextAndCdataMixedThenJoined() {
        assertThat(SafeXml.parseFlat("<xml><V>a<![CDATA[<b>]]>c<![CDATA[&d]]></V></xml>"))
                .containsExactly(Map.entry("V", "a<b>c&d"));
    }

    @Test
    void parseFlatWhenPredefinedEntitiesAndCharacterReferencesThenDecoded() {
        assertThat(SafeXml.parseFlat("<xml><V>a&amp;b&lt;c&gt;&quot;&apos;&#20013;&#x6587;</V></xml>"))
                .containsExactly(Map.entry("V", "a&b<c>\"'中文"));
    }

    @Test
    void parseFlatWhenElementEmptyThenEmptyValue() {
        assertThat(SafeXml.parseFlat("<xml><A/><B></B><C><![CDATA[]]></C></xml>"))
                .containsExactly(Map.entry("A", ""), Map.entry("B", ""), Map.entry("C", ""));
    }

    @Test
    void parseFlatWhenElementRepeatedThenFirstValueKept() {
        assertThat(SafeXml.parseFlat("<xml><Encrypt>first</Encrypt><Encrypt>second</Encrypt></xml>"))
                .containsExactly(Map.entry("Encrypt", "first"));
    }

    /** Only the root's children are fields; text of grandchildren does not leak into their parent's value. */
    @Test
    void parseFlatWhenNestedElementsThenParentValueIsOwnTextOnly() {
        String xml = "<xml><MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[m1]]></MediaId>"
                + "<Title><![CDATA[t1]]></Title></Video><Tail>z</Tail></xml>";

        assertThat(SafeXml.parseFlat(xml)).containsExactly(
                Map.entry("MsgType", "video"),
                Map.entry("Video", ""),
                Map.entry("Tail", "z"));
    }

    @Test
    void parseFlatWhenXmlDeclarationCommentsAndProcessingInstructionsThenIgnored() {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- c --><xml><?pi data?><A>1<!-- inner --></A></xml>";

        assertThat(SafeXml.parseFlat(xml)).containsExactly(Map.entry("A", "1"));
    }

    @Test
    void parseFlatWhenParsedThenResultIsUnmodifiable() {
        Map<String, String> fields = SafeXml.parseFlat(COMPONENT_ENVELOPE);

        assertThatThrownBy(() -> fields.put("Encrypt", "x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void parseFlatWhenCalledFromManyThreadsThenSameResult() {
        Map<String, String> expected = SafeXml.parseFlat(VECTOR_H_AUTHORIZED_PLAINTEXT);

        assertThat(IntStream.range(0, 400).parallel()
                .mapToObj(i -> SafeXml.parseFlat(VECTOR_H_AUTHORIZED_PLAINTEXT)).toList())
                        .allSatisfy(fields -> assertThat(fields).isEqualTo(expected));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Refusals

    @Test
    void parseFlatWhenDoctypeDeclaredThenMalformed() {
        assertMalformed("<!DOCTYPE xml><xml><A>1</A></xml>");
        assertMalformed("<!DOCTYPE xml [<!ELEMENT xml ANY>]><xml><A>1</A></xml>");
    }

    @Test
    void parseFlatWhenExternalEntityPointsAtEtcPasswdThenMalformedWithoutFileContent() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
                + "<xml><Encrypt>&xxe;</Encrypt></xml>";

        Throwable thrown = catchThrowable(() -> SafeXml.parseFlat(xxe));

        assertThat(thrown).isExactlyInstanceOf(MalformedMessageException.class);
        assertThat(((WeChatCryptoException) thrown).getErrorCode()).isEqualTo(-40002);
        assertThat(thrown.getMessage()).doesNotContain("root:", "/bin/");
    }

    @Test
    void parseFlatWhenExternalEntityPointsAtLocalFileThenMalformedAndFileContentNowhere(@TempDir Path dir)
            throws IOException {
        String marker = "XXE-MARKER-7c1e0b";
        Path secret = Files.writeString(dir.resolve("secret.txt"), marker, StandardCharsets.UTF_8);
        String xxe = "<!DOCTYPE xml [<!ENTITY xxe SYSTEM \"" + secret.toUri()
                + "\">]><xml><Encrypt>&xxe;</Encrypt></xml>";

        Throwable thrown = catchThrowable(() -> SafeXml.parseFlat(xxe));

        assertThat(thrown).isExactlyInstanceOf(MalformedMessageException.class);
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            assertThat(t.getMessage()).doesNotContain(marker);
        }
    }

    @Test
    void parseFlatWhenExternalParameterEntityThenMalformed(@TempDir Path dir) throws IOException {
        Path dtd = Files.writeString(dir.resolve("evil.dtd"), "<!ENTITY leak \"PARAM-MARKER\">",
                StandardCharsets.UTF_8);
        String xml = "<!DOCTYPE xml [<!ENTITY % p SYSTEM \"" + dtd.toUri() + "\"> %p;]><xml><A>&leak;</A></xml>";

        Throwable thrown = catchThrowable(() -> SafeXml.parseFlat(xml));

        assertThat(thrown).isExactlyInstanceOf(MalformedMessageException.class);
        assertThat(thrown.getMessage()).doesNotContain("PARAM-MARKER");
    }

    @Test
    void parseFlatWhenExternalDtdThenMalformed(@TempDir Path dir) throws IOException {
        Path dtd = Files.writeString(dir.resolve("ext.dtd"), "<!ENTITY e \"DTD-MARKER\">", StandardCharsets.UTF_8);

        assertMalformed("<!DOCTYPE xml SYSTEM \"" + dtd.toUri() + "\"><xml><A>&e;</A></xml>");
    }

    @Test
    void parseFlatWhenBillionLaughsThenMalformed() {
        StringBuilder dtd = new StringBuilder("<!DOCTYPE xml [<!ENTITY lol0 \"lol\">");
        for (int i = 1; i <= 9; i++) {
            String previous = "&lol" + (i - 1) + ";";
            dtd.append("<!ENTITY lol").append(i).append(" \"").append(previous.repeat(10)).append("\">");
        }
        dtd.append("]>");

        assertMalformed(dtd + "<xml><A>&lol9;</A></xml>");
    }

    @Test
    void parseFlatWhenXIncludeThenNotProcessed() {
        String xml = "<xml xmlns:xi=\"http://www.w3.org/2001/XInclude\"><A>1</A>"
                + "<xi:include href=\"file:///etc/passwd\" parse=\"text\"/></xml>";

        Map<String, String> fields = SafeXml.parseFlat(xml);

        assertThat(fields).containsEntry("A", "1");
        assertThat(fields.values()).allSatisfy(value -> assertThat(value).doesNotContain("root:"));
    }

    @Test
    void parseFlatWhenUndeclaredEntityThenMalformed() {
        assertMalformed("<xml><A>&undeclared;</A></xml>");
    }

    @ParameterizedTest
    @ValueSource(strings = {"<root><A>1</A></root>", "<XML><A>1</A></XML>", "<Xml><A>1</A></Xml>",
            "<wx:xml xmlns:wx=\"urn:x\"><A>1</A></wx:xml>", "<ToUserName>x</ToUserName>"})
    void parseFlatWhenRootIsNotXmlThenMalformed(String xml) {
        assertMalformed(xml);
    }

    @ParameterizedTest
    @ValueSource(strings = {"success", "<xml><A>1</xml>", "<xml><A>1</A>", "<xml><A>1</A></xml><xml/>",
            "<xml><A>1</A></xml>trailing", "<xml><![CDATA[x]></xml>", "{\"errcode\":0}", "<xml><A b=1>x</A></xml>",
            "\u0000<xml/>"})
    void parseFlatWhenNotWellFormedThenMalformed(String xml) {
        assertMalformed(xml);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "\n\t  \r\n"})
    void parseFlatWhenBlankThenMalformed(String xml) {
        assertMalformed(xml);
    }

    @Test
    void parseFlatWhenNotWellFormedThenMessageCarriesNoPayload() {
        String payload = "SECRET-PAYLOAD-0815";

        Throwable thrown = catchThrowable(() -> SafeXml.parseFlat("<xml><A>" + payload + "</B></xml>"));

        assertThat(thrown).isExactlyInstanceOf(MalformedMessageException.class);
        assertThat(thrown.getMessage()).doesNotContain(payload);
    }

    // ---------------------------------------------------------------------------------------------------------
    // cdata

    @ParameterizedTest
    @ValueSource(strings = {"plain", "a]]>b", "]]>", "]]>]]>", "x]]]>y", "]]]]>>", "]]", "]>", "<xml>&amp;</xml>",
            "中文]]>中文",
            "ticket@@@OWR_6RX96n3rbRRhcmFK4Qy5lfOKDFCHoNOrp5c27z6OUOVSBzgrPP6wsMMKLq5KO0Ys114Dm_MGNjJ4mGfarA",
            ""})
    void cdataWhenRoundTrippedThroughParseFlatThenOriginalValue(String value) {
        String xml = "<xml><V>" + SafeXml.cdata(value) + "</V></xml>";

        assertThat(SafeXml.parseFlat(xml)).containsExactly(Map.entry("V", value));
    }

    @Test
    void cdataWhenValueContainsTerminatorThenNoEarlyEnd() {
        String wrapped = SafeXml.cdata("a]]><Injected>x</Injected>");

        assertThat(wrapped).startsWith("<![CDATA[").endsWith("]]>");
        assertThat(SafeXml.parseFlat("<xml><V>" + wrapped + "</V></xml>"))
                .containsExactly(Map.entry("V", "a]]><Injected>x</Injected>"));
    }
}
