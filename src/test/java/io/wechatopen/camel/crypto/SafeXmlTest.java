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
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import io.wechatopen.camel.support.TestPushes;

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

    // ---------------------------------------------------------------------------------------------------------
    // The strict reader (issue 9): refusals, and the same values as the DOM parser it replaced

    /** Every document the tests above accept, plus WeChat's other shapes; both parsers must agree on each. */
    static List<String> fixtures() {
        return List.of(COMPONENT_ENVELOPE, VECTOR_E_BODY, VECTOR_H_TICKET_PLAINTEXT, VECTOR_H_AUTHORIZED_PLAINTEXT,
                UNAUTHORIZED_PLAINTEXT, VECTOR_E_PLAINTEXT, VECTOR_E_REPLY_PLAINTEXT,
                "<xml>\n<Encrypt>\n  <![CDATA[abc+/=]]>\n</Encrypt>\n<TimeStamp>1713424427</TimeStamp>\n</xml>",
                "<xml><V>a<![CDATA[<b>]]>c<![CDATA[&d]]></V></xml>",
                "<xml><V>a&amp;b&lt;c&gt;&quot;&apos;&#20013;&#x6587;&#x1F600;</V></xml>",
                "<xml><A/><B></B><C><![CDATA[]]></C></xml>", "<xml/>", "<xml></xml>", "<xml >\n</xml >",
                "<xml><Encrypt>first</Encrypt><Encrypt>second</Encrypt></xml>",
                "<xml><MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[m1]]></MediaId>"
                        + "<Title><![CDATA[t1]]></Title></Video><Tail>z</Tail></xml>",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- c --><xml><?pi data?><A>1<!-- inner --></A></xml>",
                "<?xml version='1.0' encoding='utf-8' standalone='yes' ?><xml><A>1</A></xml>",
                "<xml xmlns:xi=\"http://www.w3.org/2001/XInclude\"><A>1</A><xi:include href=\"file:///etc/passwd\" "
                        + "parse=\"text\"/></xml>",
                "<xml><A b='1' c=\"&amp;&#65;\" d = \"x\">v</A></xml>", "<xml><V>a\r\nb\rc\r\n</V></xml>",
                "<xml><V><![CDATA[a\r\nb\rc]]></V></xml>", "<xml><V><![CDATA[a]]]]><![CDATA[>b]]></V></xml>",
                "<xml><V>x]]y]>z</V></xml>", "<xml><V>1<!-- a -->2<?p?>3</V></xml>",
                "<xml><V>\u00a0 v \u2003</V></xml>",
                "<xml><_a.b-c:d>值\ud83d\ude00</_a.b-c:d></xml>",
                "<xml><V>\uFFFD\uE000</V></xml>", " \n<xml><A>1</A></xml>\n<!-- end -->\n",
                "<xml>root text<A>1</A>more<![CDATA[cdata at root]]></xml>",
                TestPushes.ticketXml("wx0123456789abcdef", "ticket@@@x]]>y", Instant.ofEpochSecond(1_700_000_000)),
                TestPushes.unauthorizedXml("wx0123456789abcdef", "wxd517bf9f1fecf729", Instant.EPOCH));
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void parseFlatWhenFixtureThenSameFieldsAsTheDomParser(String xml) {
        assertThat(SafeXml.parseFlat(xml)).containsExactlyEntriesOf(DomFlatXml.parseFlat(xml));
        assertThat(SafeXml.parseFlat(xml.getBytes(StandardCharsets.UTF_8)))
                .containsExactlyEntriesOf(DomFlatXml.parseFlat(xml));
    }

    /** Hostile or broken documents: both the DOM parser and the reader refuse each. */
    @ParameterizedTest
    @ValueSource(strings = {
            // document type declarations, internal and external entities
            "<!DOCTYPE xml [<!ENTITY e \"internal\">]><xml><A>&e;</A></xml>",
            "<!DOCTYPE xml [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><xml><A>&e;</A></xml>",
            "<!DOCTYPE xml PUBLIC \"-//x//EN\" \"http://127.0.0.1:9/x.dtd\"><xml/>",
            "<xml><!DOCTYPE xml><A>1</A></xml>", "<xml><A>&e;</A></xml>", "<xml><A b=\"&e;\">1</A></xml>",
            "<xml><A>&amp</A></xml>", "<xml><A>&#;</A></xml>", "<xml><A>&#x;</A></xml>", "<xml><A>&#0;</A></xml>",
            "<xml><A>&#1;</A></xml>", "<xml><A>&#xFFFE;</A></xml>", "<xml><A>&#x110000;</A></xml>",
            "<xml><A>&#X41;</A></xml>", "<xml><A>& amp;</A></xml>",
            // nesting and names
            "<xml><A><B>x</A></B></xml>", "<xml><A></a></xml>", "<xml><A></AB></xml>", "<xml><1A>x</1A></xml>",
            "<xml>< A>x</A></xml>", "<xml><A>x</ A></xml>", "<xml><-A>x</-A></xml>",
            // unclosed tags and sections
            "<xml>", "<xml><A>", "<xml><A", "<xml><A b=\"1", "<xml><A>1</A></xml", "<xml><A>1</A><", "<xml><!-- x",
            "<xml><?pi", "<xml><![CDATA[x", "<xml/", "<xml><A/ ></xml>",
            // CDATA and ]]>
            "<xml><V>a]]>b</V></xml>", "<xml><V><![CDATA[a]]>b]]></V></xml>", "<xml><V><![cdata[a]]></V></xml>",
            // attributes
            "<xml><A b=\"1\" b=\"2\">x</A></xml>", "<xml><A b=\"1\"c=\"2\">x</A></xml>", "<xml><A b>x</A></xml>",
            "<xml><A b=\"<\">x</A></xml>", "<xml a='1' a='1'/>",
            // comments and processing instructions
            "<xml><!-- a -- b --></xml>", "<xml><!---></xml>", "<xml><!-- a ---></xml>",
            "<xml><?xml version=\"1.0\"?></xml>",
            "<xml><?XML x?></xml>", " <?xml version=\"1.0\"?><xml/>",
            "<?xml version=\"1.0\"?><?xml version=\"1.0\"?><xml/>",
            "<xml><?pi?x?>", "<xml><? pi?></xml>", "<?xml?><xml/>", "<?xml version=\"1.0\" ?><xml/><?xml x?>",
            // characters XML does not allow
            "<xml><A>\u0001</A></xml>", "<xml><A>\u001f</A></xml>", "<xml><A>\uFFFE</A></xml>",
            "<xml><A>\uFFFF</A></xml>",
            "<xml><A><![CDATA[\u0000]]></A></xml>", "<xml><A>\ud800</A></xml>", "<xml><A>\udc00x</A></xml>",
            "<xml><!-- \u0002 --></xml>", "<xml><A b=\"\u0003\"/></xml>",
            // whitespace and content outside the root
            "x<xml/>", "<xml/>x", "<xml/><xml/>", "<xml/>&amp;", "<xml/><![CDATA[x]]>"})
    void parseFlatWhenHostileOrBrokenThenBothParsersRefuse(String xml) {
        assertThatThrownBy(() -> DomFlatXml.parseFlat(xml)).isInstanceOf(MalformedMessageException.class);
        assertMalformed(xml);
    }

    /**
     * Well-formed documents WeChat never sends that the reader refuses although DOM accepts them: other XML versions
     * and encodings (the bytes are read as UTF-8, so another label would lie), names that are not ASCII, and deep
     * nesting (next test).
     */
    @ParameterizedTest
    @ValueSource(strings = {"<?xml version=\"1.1\"?><xml/>", "<?xml version=\"1.0\" encoding=\"GBK\"?><xml/>",
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><xml/>", "<xml><名字>值</名字></xml>",
            "<xml><A é=\"1\"/></xml>"})
    void parseFlatWhenOtherVersionEncodingOrNonAsciiNameThenMalformedWhereDomAccepts(String xml) {
        assertThat(DomFlatXml.parseFlat(xml)).isNotNull();
        assertMalformed(xml);
    }

    @Test
    void parseFlatWhenNestedDeeperThanMaxDepthThenMalformed() {
        int depth = SafeXml.MAX_DEPTH - 1;
        String fits = "<xml>" + "<A>".repeat(depth) + "x" + "</A>".repeat(depth) + "</xml>";

        assertThat(SafeXml.parseFlat(fits)).containsExactly(Map.entry("A", ""));
        assertMalformed("<xml>" + "<A>".repeat(depth + 1) + "x" + "</A>".repeat(depth + 1) + "</xml>");
        // 20,000 levels fit in 64 KiB; refused before the stack or the time can grow with them.
        assertMalformed("<xml>" + "<A>".repeat(20_000) + "</A>".repeat(20_000) + "</xml>");
    }

    @Test
    void parseFlatWhenLongerThanMaxLengthThenMalformed() {
        String fits = "<xml><A>1</A></xml>";
        String padded = fits + " ".repeat(SafeXml.MAX_LENGTH - fits.length());

        assertThat(SafeXml.parseFlat(padded)).containsExactly(Map.entry("A", "1"));
        assertThat(SafeXml.parseFlat(padded.getBytes(StandardCharsets.UTF_8))).containsExactly(Map.entry("A", "1"));
        assertMalformed(padded + " ");
        assertThatThrownBy(() -> SafeXml.parseFlat((padded + " ").getBytes(StandardCharsets.UTF_8)))
                .isExactlyInstanceOf(MalformedMessageException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"c328", "c0af", "eda080", "f4908080", "e282", "ff", "80"})
    void parseFlatWhenBytesAreNotUtf8ThenMalformed(String hex) {
        byte[] bad = HexFormat.of().parseHex(hex);
        byte[] xml = ("<xml><A>" + "\u0000".repeat(bad.length) + "</A></xml>").getBytes(StandardCharsets.UTF_8);
        System.arraycopy(bad, 0, xml, 8, bad.length);

        assertThatThrownBy(() -> SafeXml.parseFlat(xml)).isExactlyInstanceOf(MalformedMessageException.class)
                .hasMessage("XML is not valid UTF-8");
    }

    @Test
    void parseFlatWhenUtf8CarriesARealReplacementCharacterThenAccepted() {
        byte[] xml = "<xml><A>\uFFFD中</A></xml>".getBytes(StandardCharsets.UTF_8);

        assertThat(SafeXml.parseFlat(xml)).containsExactly(Map.entry("A", "\uFFFD中"));
    }

    @Test
    void parseFlatWhenValueHasSurroundingWhitespaceThenStrippedAsDomParserDid() {
        assertThat(SafeXml.parseFlat("<xml><A> \t\r\n a b \n</A><B>\n<![CDATA[ c ]]>\n</B></xml>"))
                .containsExactly(Map.entry("A", "a b"), Map.entry("B", "c"));
    }

    /**
     * Random edits of the fixtures (seeded, so a failure repeats): whatever the reader accepts, the DOM parser
     * accepts too, with the same fields. The reader is never the more lenient of the two.
     */
    @Test
    void parseFlatWhenFixturesAreMutatedThenNeverMoreLenientThanTheDomParser() {
        Random random = new Random(9);
        String alphabet = "<>/&;#x!?[]-=\"' \r\n\tAxml0CDAT\u0001\uFFFE中";
        List<String> fixtures = fixtures();
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder xml = new StringBuilder(fixtures.get(random.nextInt(fixtures.size())));
            for (int edits = 1 + random.nextInt(3); edits > 0 && xml.length() > 0; edits--) {
                int at = random.nextInt(xml.length());
                switch (random.nextInt(3)) {
                    case 0 -> xml.deleteCharAt(at);
                    case 1 -> xml.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    default -> xml.insert(at, xml, at, Math.min(xml.length(), at + random.nextInt(12)));
                }
            }
            String mutated = xml.toString();
            Map<String, String> ours;
            try {
                ours = SafeXml.parseFlat(mutated);
            } catch (MalformedMessageException e) {
                continue;
            }
            accepted++;
            assertThat(DomFlatXml.parseFlat(mutated)).as(mutated).containsExactlyEntriesOf(ours);
        }
        assertThat(accepted).as("mutations the reader accepted").isGreaterThan(1_000);
    }
}
