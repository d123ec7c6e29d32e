package io.wechatopen.camel.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import io.wechatopen.camel.config.CallbackSettings;

/**
 * Parses the flat {@code <xml><Name>value</Name>...</xml>} documents WeChat sends with a strict, hand-checked
 * reader of the XML 1.0 subset such documents use: an optional XML declaration (version 1.0, UTF-8), elements with
 * quoted attributes, text with the five predefined entities and character references, CDATA sections, comments and
 * processing instructions. Everything a hostile sender could use is refused rather than ignored: document type
 * declarations (so there are no DTDs and no entities, external or internal, to expand), references to undeclared
 * entities, characters XML does not allow, bytes that are not UTF-8, input over {@value #MAX_LENGTH} characters and
 * elements nested deeper than {@value #MAX_DEPTH}. Nothing is ever fetched, included or resolved. Thread-safe and
 * stateless.
 *
 * <p>One reader serves both the envelope and the decrypted message, so both pass the same checks. For every
 * document it accepts, the values equal what a DOM parser with DTDs disallowed returns (tested side by side);
 * it refuses a few well-formed documents that never come from WeChat (XML 1.1, encodings other than UTF-8, names
 * that are not ASCII, deep nesting).
 */
public final class SafeXml {

    /** Longest input accepted, in characters (or bytes for {@link #parseFlat(byte[])}): the contract's body limit. */
    public static final int MAX_LENGTH = CallbackSettings.MAX_BODY_BYTES;

    /** Deepest element nesting accepted, the root being depth 1; WeChat's deepest messages reach 5. */
    public static final int MAX_DEPTH = 32;

    private SafeXml() {
    }

    /**
     * Returns the text of every child element of the root, by element name, in document order. An element's own
     * CDATA and text are joined and stripped of surrounding whitespace; the text of nested elements is not included.
     * When a name repeats, the first element wins. The root must be named {@code xml}.
     *
     * @return an unmodifiable map
     * @throws MalformedMessageException when the text is empty, too long, not well-formed, declares a DTD, refers to
     *         an entity other than the five predefined ones or has another root; the message holds no payload
     */
    public static Map<String, String> parseFlat(String xml) {
        if (xml == null || xml.isEmpty()) {
            throw new MalformedMessageException("XML body is empty");
        }
        if (xml.length() > MAX_LENGTH) {
            throw new MalformedMessageException("XML is longer than " + MAX_LENGTH + " characters");
        }
        return new Reader(xml).document();
    }

    /**
     * {@link #parseFlat(String)} of UTF-8 bytes, as they arrive over HTTP.
     *
     * @throws MalformedMessageException also when the bytes are not UTF-8 or more than {@value #MAX_LENGTH}
     */
    public static Map<String, String> parseFlat(byte[] xml) {
        if (xml == null || xml.length == 0) {
            throw new MalformedMessageException("XML body is empty");
        }
        if (xml.length > MAX_LENGTH) {
            throw new MalformedMessageException("XML is longer than " + MAX_LENGTH + " bytes");
        }
        return parseFlat(utf8(xml, 0, xml.length));
    }

    /**
     * Decodes UTF-8 strictly: malformed sequences, overlong forms and encoded surrogates are refused, not replaced.
     *
     * @throws MalformedMessageException when the bytes are not UTF-8
     */
    public static String utf8(byte[] bytes, int offset, int length) {
        String text = new String(bytes, offset, length, StandardCharsets.UTF_8);
        // The JDK's fast decoder replaces bad input with U+FFFD; only then is the slow, reporting decoder needed to
        // tell a replacement from a U+FFFD that was really sent.
        if (text.indexOf('\uFFFD') >= 0) {
            try {
                StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, offset, length));
            } catch (CharacterCodingException e) {
                throw new MalformedMessageException("XML is not valid UTF-8");
            }
        }
        return text;
    }

    /**
     * Wraps a value in CDATA, splitting any {@code ]]>} so that the value cannot end the section early.
     */
    public static String cdata(String value) {
        return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>";
    }

    /** One pass over one document; every method advances {@link #pos} past what it accepted or throws. */
    private static final class Reader {

        private final String s;
        private final int end;
        private int pos;

        Reader(String s) {
            this.s = s;
            this.end = s.length();
        }

        Map<String, String> document() {
            if (s.startsWith("<?xml", pos) && pos + 5 < end && isSpace(s.charAt(pos + 5))) {
                declaration();
            }
            misc();
            if (pos >= end) {
                throw malformed(s.isBlank() ? "XML body is empty" : "XML has no root element");
            }
            if (s.startsWith("<!DOCTYPE", pos)) {
                throw malformed("XML declares a DTD");
            }
            if (s.charAt(pos) != '<') {
                throw malformed("XML has content before the root element");
            }
            pos++;
            int nameStart = pos;
            name();
            if (pos - nameStart != 3 || !s.startsWith("xml", nameStart)) {
                throw malformed("XML root element must be <xml>");
            }
            Map<String, String> fields = new LinkedHashMap<>();
            if (!attributesThenEmpty()) {
                content(nameStart, 3, 1, null, fields);
            }
            misc();
            if (pos != end) {
                throw malformed("XML has content after the root element");
            }
            return Collections.unmodifiableMap(fields);
        }

        /** {@code <?xml version="1.0" (encoding="UTF-8")? (standalone="yes|no")? ?>}, at the very start. */
        private void declaration() {
            pos += 5;
            requireSpace();
            String version = pseudoAttribute("version");
            if (!"1.0".equals(version)) {
                throw malformed("XML version must be 1.0");
            }
            boolean space = skipSpace();
            if (space && s.startsWith("encoding", pos)) {
                String encoding = pseudoAttribute("encoding");
                if (!"UTF-8".equalsIgnoreCase(encoding) && !"UTF8".equalsIgnoreCase(encoding)) {
                    throw malformed("XML encoding must be UTF-8");
                }
                space = skipSpace();
            }
            if (space && s.startsWith("standalone", pos)) {
                String standalone = pseudoAttribute("standalone");
                if (!"yes".equals(standalone) && !"no".equals(standalone)) {
                    throw malformed("XML declaration is not well-formed");
                }
                skipSpace();
            }
            if (!s.startsWith("?>", pos)) {
                throw malformed("XML declaration is not well-formed");
            }
            pos += 2;
        }

        private String pseudoAttribute(String name) {
            if (!s.startsWith(name, pos)) {
                throw malformed("XML declaration is not well-formed");
            }
            pos += name.length();
            skipSpace();
            expect('=');
            skipSpace();
            char quote = pos < end ? s.charAt(pos) : 0;
            if (quote != '"' && quote != '\'') {
                throw malformed("XML declaration is not well-formed");
            }
            int close = s.indexOf(quote, pos + 1);
            if (close < 0) {
                throw malformed("XML declaration is not well-formed");
            }
            String value = s.substring(pos + 1, close);
            pos = close + 1;
            return value;
        }

        /** Whitespace, comments and processing instructions, as allowed before and after the root. */
        private void misc() {
            while (true) {
                skipSpace();
                if (s.startsWith("<!--", pos)) {
                    comment();
                } else if (s.startsWith("<?", pos)) {
                    processingInstruction();
                } else {
                    return;
                }
            }
        }

        /**
         * The content of an element whose start tag has been read, up to and including its end tag. With
         * {@code fields} (the root's content), each child element becomes a field; with {@code text}, the element's
         * own character data is collected; otherwise content is checked and dropped.
         */
        private void content(int nameStart, int nameLength, int depth, Text text, Map<String, String> fields) {
            while (true) {
                int lt = s.indexOf('<', pos);
                if (lt < 0) {
                    throw malformed("XML element is not closed");
                }
                characters(pos, lt, text);
                pos = lt;
                if (s.startsWith("</", pos)) {
                    endTag(nameStart, nameLength);
                    return;
                } else if (s.startsWith("<![CDATA[", pos)) {
                    cdataSection(text);
                } else if (s.startsWith("<!--", pos)) {
                    comment();
                } else if (s.startsWith("<?", pos)) {
                    processingInstruction();
                } else if (s.startsWith("<!", pos)) {
                    throw malformed(s.startsWith("<!DOCTYPE", pos) ? "XML declares a DTD"
                            : "XML has a declaration inside an element");
                } else {
                    element(depth + 1, fields);
                }
            }
        }

        private void element(int depth, Map<String, String> fields) {
            if (depth > MAX_DEPTH) {
                throw malformed("XML elements are nested deeper than " + MAX_DEPTH);
            }
            pos++;
            int nameStart = pos;
            name();
            int nameLength = pos - nameStart;
            boolean empty = attributesThenEmpty();
            if (fields == null) {
                if (!empty) {
                    content(nameStart, nameLength, depth, null, null);
                }
                return;
            }
            String name = s.substring(nameStart, nameStart + nameLength);
            String value = "";
            if (!empty) {
                Text text = new Text(s);
                content(nameStart, nameLength, depth, text, null);
                value = text.value();
            }
            fields.putIfAbsent(name, value);
        }

        /** Attributes up to the end of a start tag; true when the tag was an empty-element tag ({@code />}). */
        private boolean attributesThenEmpty() {
            // Start and length of each attribute name, to refuse repeats; WeChat sends no attributes at all.
            int[] names = null;
            int count = 0;
            while (true) {
                boolean space = skipSpace();
                if (pos >= end) {
                    throw malformed("XML start tag is not closed");
                }
                char c = s.charAt(pos);
                if (c == '>') {
                    pos++;
                    return false;
                }
                if (c == '/') {
                    expect('/');
                    expect('>');
                    return true;
                }
                if (!space) {
                    throw malformed("XML attributes must be separated by whitespace");
                }
                int nameStart = pos;
                name();
                int nameLength = pos - nameStart;
                for (int i = 0; i < count; i++) {
                    if (names[2 * i + 1] == nameLength && s.regionMatches(names[2 * i], s, nameStart, nameLength)) {
                        throw malformed("XML attribute is repeated");
                    }
                }
                if (names == null || names.length == 2 * count) {
                    names = names == null ? new int[8] : Arrays.copyOf(names, 4 * count);
                }
                names[2 * count] = nameStart;
                names[2 * count + 1] = nameLength;
                count++;
                skipSpace();
                expect('=');
                skipSpace();
                char quote = pos < end ? s.charAt(pos) : 0;
                if (quote != '"' && quote != '\'') {
                    throw malformed("XML attribute value must be quoted");
                }
                int close = s.indexOf(quote, pos + 1);
                if (close < 0) {
                    throw malformed("XML attribute value is not closed");
                }
                int lt = s.indexOf('<', pos + 1);
                if (lt >= 0 && lt < close) {
                    throw malformed("XML attribute value contains <");
                }
                characters(pos + 1, close, null);
                pos = close + 1;
            }
        }

        private void endTag(int nameStart, int nameLength) {
            pos += 2;
            if (!s.regionMatches(pos, s, nameStart, nameLength)) {
                throw malformed("XML end tag does not match its start tag");
            }
            pos += nameLength;
            if (pos < end && isNameChar(s.charAt(pos))) {
                throw malformed("XML end tag does not match its start tag");
            }
            skipSpace();
            expect('>');
        }

        private void cdataSection(Text text) {
            int start = pos + 9;
            int close = s.indexOf("]]>", start);
            if (close < 0) {
                throw malformed("XML CDATA section is not closed");
            }
            for (int i = start; i < close; i++) {
                char c = s.charAt(i);
                if (c < 0x20 || c >= 0xD800) {
                    i = checkChar(i);
                    if (c == '\r' && text != null) {
                        start = lineEnd(start, i, text);
                        i = start - 1;
                    }
                }
            }
            if (text != null) {
                text.piece(start, close);
            }
            pos = close + 3;
        }

        private void comment() {
            int start = pos + 4;
            int dashes = s.indexOf("--", start);
            if (dashes < 0 || dashes + 2 >= end || s.charAt(dashes + 2) != '>') {
                throw malformed("XML comment is not well-formed");
            }
            checkChars(start, dashes);
            pos = dashes + 3;
        }

        private void processingInstruction() {
            pos += 2;
            int target = pos;
            name();
            if (pos - target == 3 && s.regionMatches(true, target, "xml", 0, 3)) {
                throw malformed("XML declaration is only allowed at the start");
            }
            int close = s.indexOf("?>", pos);
            if (close < 0) {
                throw malformed("XML processing instruction is not closed");
            }
            if (close > pos && !isSpace(s.charAt(pos))) {
                throw malformed("XML processing instruction is not well-formed");
            }
            checkChars(pos, close);
            pos = close + 2;
        }

        /**
         * Character data from {@code from} to {@code to} (before a {@code <}): checks characters and references,
         * and hands the decoded text to {@code text} when there is one. {@code ]]>} is not allowed in it.
         */
        private void characters(int from, int to, Text text) {
            int start = from;
            for (int i = from; i < to; i++) {
                char c = s.charAt(i);
                if (c == '&') {
                    if (text != null) {
                        text.piece(start, i);
                    }
                    i = reference(i, to, text);
                    start = i + 1;
                } else if (c == ']') {
                    if (s.startsWith("]]>", i)) {
                        throw malformed("XML text contains ]]>");
                    }
                } else if (c < 0x20 || c >= 0xD800) {
                    i = checkChar(i);
                    if (c == '\r' && text != null) {
                        start = lineEnd(start, i, text);
                        i = start - 1;
                    }
                }
            }
            if (text != null) {
                text.piece(start, to);
            }
        }

        /**
         * Line ends are normalised as XML requires: CR LF and a lone CR become LF. Hands {@code text} the piece from
         * {@code start} to the CR at {@code cr} and a LF; returns where the text goes on after the line end.
         */
        private int lineEnd(int start, int cr, Text text) {
            text.piece(start, cr);
            text.newline();
            return cr + 1 < end && s.charAt(cr + 1) == '\n' ? cr + 2 : cr + 1;
        }

        /** A reference at {@code amp}; returns the index of its {@code ;}. */
        private int reference(int amp, int to, Text text) {
            int semicolon = s.indexOf(';', amp);
            if (semicolon < 0 || semicolon >= to || semicolon - amp > 10) {
                throw malformed("XML reference is not well-formed");
            }
            int codePoint;
            if (s.charAt(amp + 1) == '#') {
                codePoint = characterReference(amp + 2, semicolon);
            } else {
                codePoint = switch (s.substring(amp + 1, semicolon)) {
                    case "amp" -> '&';
                    case "lt" -> '<';
                    case "gt" -> '>';
                    case "quot" -> '"';
                    case "apos" -> '\'';
                    default -> throw malformed("XML refers to an entity that is not declared");
                };
            }
            if (text != null) {
                text.codePoint(codePoint);
            }
            return semicolon;
        }

        private int characterReference(int from, int to) {
            boolean hex = from < to && s.charAt(from) == 'x';
            int digits = hex ? from + 1 : from;
            if (digits == to) {
                throw malformed("XML character reference is not well-formed");
            }
            int value = 0;
            for (int i = digits; i < to; i++) {
                int digit = Character.digit(s.charAt(i), hex ? 16 : 10);
                if (digit < 0 || s.charAt(i) > 'f') {
                    throw malformed("XML character reference is not well-formed");
                }
                value = value * (hex ? 16 : 10) + digit;
            }
            if (!isXmlChar(value)) {
                throw malformed("XML character reference names a character XML does not allow");
            }
            return value;
        }

        private void checkChars(int from, int to) {
            for (int i = from; i < to; i++) {
                char c = s.charAt(i);
                if (c < 0x20 || c >= 0xD800) {
                    i = checkChar(i);
                }
            }
        }

        /** Checks the (possibly surrogate pair) character at {@code i}; returns the index of its last char. */
        private int checkChar(int i) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1))) {
                return i + 1;
            }
            if (!isXmlChar(c)) {
                throw malformed("XML contains a character XML does not allow");
            }
            return i;
        }

        private void name() {
            if (pos >= end || !isNameStartChar(s.charAt(pos))) {
                throw malformed("XML name is not well-formed");
            }
            pos++;
            while (pos < end && isNameChar(s.charAt(pos))) {
                pos++;
            }
        }

        private boolean skipSpace() {
            int start = pos;
            while (pos < end && isSpace(s.charAt(pos))) {
                pos++;
            }
            return pos > start;
        }

        private void requireSpace() {
            if (!skipSpace()) {
                throw malformed("XML declaration is not well-formed");
            }
        }

        private void expect(char c) {
            if (pos >= end || s.charAt(pos) != c) {
                throw malformed("XML is not well-formed");
            }
            pos++;
        }

    }

    /**
     * The character data of one element: usually one contiguous run of the document (a single CDATA section or
     * text without references), which then becomes the value without an intermediate builder.
     */
    private static final class Text {

        private final String s;
        private int start = -1;
        private int end;
        private StringBuilder joined;

        Text(String s) {
            this.s = s;
        }

        void piece(int from, int to) {
            if (from == to) {
                return;
            }
            if (joined == null && start < 0) {
                start = from;
                end = to;
                return;
            }
            builder().append(s, from, to);
        }

        void newline() {
            builder().append('\n');
        }

        void codePoint(int codePoint) {
            builder().appendCodePoint(codePoint);
        }

        private StringBuilder builder() {
            if (joined == null) {
                joined = new StringBuilder();
                if (start >= 0) {
                    joined.append(s, start, end);
                }
            }
            return joined;
        }

        String value() {
            if (joined != null) {
                return joined.toString().strip();
            }
            if (start < 0) {
                return "";
            }
            int from = start;
            int to = end;
            while (from < to && Character.isWhitespace(s.charAt(from))) {
                from++;
            }
            while (to > from && Character.isWhitespace(s.charAt(to - 1))) {
                to--;
            }
            return s.substring(from, to);
        }
    }

    private static MalformedMessageException malformed(String reason) {
        return new MalformedMessageException(reason);
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\n' || c == '\t' || c == '\r';
    }

    private static boolean isXmlChar(int c) {
        return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)
                || (c >= 0x10000 && c <= 0x10FFFF);
    }

    /** Names are ASCII: WeChat's are, and XML's rules for other letters differ between its editions and parsers. */
    private static boolean isNameStartChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    }

    private static boolean isNameChar(char c) {
        return isNameStartChar(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
    }
}
