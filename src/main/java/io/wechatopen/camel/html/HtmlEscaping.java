package io.wechatopen.camel.html;

/**
 * The one HTML escaper of the bundle, shared by the authorization pages ({@code web}) and the sandbox's fake
 * WeChat page ({@code sandbox}). It depends on nothing, so both may use it without an upward arrow.
 */
public final class HtmlEscaping {

    private HtmlEscaping() {
    }

    /**
     * Escapes text for an HTML element or a quoted attribute (double or single quotes).
     *
     * @param text any text; {@code null} is treated as empty
     * @return the text with {@code & < > " '} replaced by entities; never {@code null}
     */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
