package io.wechatopen.camel.web;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** Minimal, escaped HTML pages of the authorization flow. */
final class HtmlPages {

    private HtmlPages() {
    }

    static String escape(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(value.length() + 16);
        for (char c : value.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** A page with a title, an id'd heading and body HTML (already escaped by the caller). */
    static String page(String title, String id, String bodyHtml) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + escape(title) + "</title>"
                + "<style>body{font-family:sans-serif;max-width:40em;margin:3em auto;padding:0 1em;line-height:1.5}"
                + ".button{display:inline-block;padding:.7em 1.4em;background:#07c160;color:#fff;border-radius:4px;"
                + "text-decoration:none;font-weight:bold}.error{color:#b00020}</style></head>\n<body>"
                + "<h1 id=\"" + id + "\">" + escape(title) + "</h1>\n" + bodyHtml + "\n</body></html>\n";
    }

    /** Sets status, HTML content type and no-store on the reply, after removing every inbound header. */
    static void reply(Exchange exchange, int status, String html) {
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "text/html; charset=utf-8");
        message.setHeader("Cache-Control", "no-store");
        message.setBody(html);
    }
}
