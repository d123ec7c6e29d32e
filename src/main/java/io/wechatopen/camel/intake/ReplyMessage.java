package io.wechatopen.camel.intake;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.wechatopen.camel.crypto.MalformedMessageException;
import io.wechatopen.camel.crypto.SafeXml;

/**
 * Turns what a reply route answered into the plaintext XML of WeChat's passive reply (被动回复用户消息): either
 * reply XML ({@code <xml>...</xml>}) or a {@link Map} of fields, such as {@code MsgType=text, Content=...}. The
 * fields WeChat requires of every reply and that follow from the message are filled in when absent:
 * {@code ToUserName} (the sender, the message's {@code FromUserName}), {@code FromUserName} (the account, the
 * message's {@code ToUserName}) and {@code CreateTime} (now, unix seconds).
 *
 * <p>In a map, a nested map becomes nested elements ({@code Image={MediaId=...}}) and a list becomes repeated
 * {@code item} elements ({@code Articles=[{Title=...}, ...]}), as WeChat lays them out; numbers are written bare,
 * everything else as CDATA text.
 */
public final class ReplyMessage {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    private static final Pattern ROOT = Pattern.compile("<xml(\\s[^>]*)?>");

    private ReplyMessage() {
    }

    /**
     * @param reply reply XML (a {@link CharSequence} or bytes) or a {@link Map} of fields
     * @param message the fields of the message being answered
     * @return the complete reply XML
     * @throws IllegalArgumentException when the reply is of another type, not well-formed XML with root
     *         {@code xml}, or a map with a name that is no XML element name; the message holds no payload
     */
    public static String of(Object reply, Map<String, String> message, Instant now) {
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("ToUserName", message.getOrDefault("FromUserName", ""));
        defaults.put("FromUserName", message.getOrDefault("ToUserName", ""));
        defaults.put("CreateTime", now.getEpochSecond());
        if (reply instanceof Map<?, ?> fields) {
            Map<String, Object> all = new LinkedHashMap<>();
            defaults.forEach((name, value) -> {
                if (!fields.containsKey(name)) {
                    all.put(name, value);
                }
            });
            fields.forEach((name, value) -> all.put(String.valueOf(name), value));
            StringBuilder xml = new StringBuilder("<xml>");
            all.forEach((name, value) -> element(xml, name, value));
            return xml.append("</xml>").toString();
        }
        String xml = reply instanceof byte[] bytes ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                : reply instanceof CharSequence text ? text.toString() : null;
        if (xml == null) {
            throw new IllegalArgumentException("a reply must be XML text or a Map of fields, not "
                    + reply.getClass().getSimpleName());
        }
        Map<String, String> present;
        try {
            present = SafeXml.parseFlat(xml);
        } catch (MalformedMessageException e) {
            throw new IllegalArgumentException("the reply is no <xml> document: " + e.getMessage());
        }
        Matcher root = ROOT.matcher(xml);
        if (!root.find()) {
            throw new IllegalArgumentException("the reply is no <xml> document");
        }
        StringBuilder missing = new StringBuilder();
        defaults.forEach((name, value) -> {
            if (!present.containsKey(name)) {
                element(missing, name, value);
            }
        });
        return xml.substring(0, root.end()) + missing + xml.substring(root.end());
    }

    private static void element(StringBuilder xml, String name, Object value) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is no XML element name");
        }
        xml.append('<').append(name).append('>');
        if (value instanceof Map<?, ?> nested) {
            nested.forEach((k, v) -> element(xml, String.valueOf(k), v));
        } else if (value instanceof List<?> items) {
            items.forEach(item -> element(xml, "item", item));
        } else if (value instanceof Number number) {
            xml.append(number);
        } else if (value != null) {
            xml.append(SafeXml.cdata(String.valueOf(value)));
        }
        xml.append("</").append(name).append('>');
    }
}
