package io.wechatopen.camel.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Issue 10: what a reply route answers becomes WeChat's passive reply XML. */
class ReplyMessageTest {

    private static final Instant NOW = Instant.ofEpochSecond(1_700_000_000L);
    private static final Map<String, String> MESSAGE = Map.of("ToUserName", "gh_account", "FromUserName", "oUser",
            "MsgType", "text", "Content", "hi");

    @Test
    void ofWhenXmlWithoutAddressesThenSenderAccountAndTimeFilledIn() {
        assertThat(ReplyMessage.of("<xml><MsgType>text</MsgType><Content>hello</Content></xml>", MESSAGE, NOW))
                .isEqualTo("<xml><ToUserName><![CDATA[oUser]]></ToUserName><FromUserName><![CDATA[gh_account]]>"
                        + "</FromUserName><CreateTime>1700000000</CreateTime><MsgType>text</MsgType>"
                        + "<Content>hello</Content></xml>");
    }

    @Test
    void ofWhenXmlNamesTheAddressesThenKeptAsGiven() {
        String xml = "<xml><ToUserName>x</ToUserName><FromUserName>y</FromUserName><CreateTime>1</CreateTime>"
                + "<MsgType>text</MsgType><Content>hello</Content></xml>";
        assertThat(ReplyMessage.of(xml, MESSAGE, NOW)).isEqualTo(xml);
    }

    @Test
    void ofWhenMapWithNestedFieldsThenWeChatsLayout() {
        Map<String, Object> article = new LinkedHashMap<>();
        article.put("Title", "A <title>");
        article.put("Url", "https://example.com/a");
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("MsgType", "news");
        reply.put("ArticleCount", 1);
        reply.put("Articles", List.of(article));

        assertThat(ReplyMessage.of(reply, MESSAGE, NOW)).isEqualTo("<xml><ToUserName><![CDATA[oUser]]></ToUserName>"
                + "<FromUserName><![CDATA[gh_account]]></FromUserName><CreateTime>1700000000</CreateTime>"
                + "<MsgType><![CDATA[news]]></MsgType><ArticleCount>1</ArticleCount><Articles><item>"
                + "<Title><![CDATA[A <title>]]></Title><Url><![CDATA[https://example.com/a]]></Url></item>"
                + "</Articles></xml>");
    }

    @Test
    void ofWhenNotXmlOrBadNameOrOtherTypeThenClearError() {
        assertThatThrownBy(() -> ReplyMessage.of("hello", MESSAGE, NOW)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no <xml> document");
        assertThatThrownBy(() -> ReplyMessage.of(Map.of("Bad Name", "x"), MESSAGE, NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no XML element name");
        assertThatThrownBy(() -> ReplyMessage.of(42, MESSAGE, NOW)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("XML text or a Map");
    }
}
