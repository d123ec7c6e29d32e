package io.wechatopen.camel.release;

import java.util.Map;

/**
 * What WeChat's 全网发布 tester sent, and what the bundle answers (releases_instructions.html of the Third-party
 * Platforms 2.0 docs): the text {@value #TEXT} is answered with the passive text {@value #TEXT}{@code _callback};
 * the text {@value #QUERY_AUTH_CODE}{@code $code} with an empty answer and, afterwards, the customer-service text
 * {@code $code_from_api}; an event, as the older doc asked (SDKs still do it; harmless), with the passive text
 * {@code <Event>from_callback}; anything else with {@code success}.
 *
 * @param replyContent the passive text reply, or {@code null} for none
 * @param followUp the customer-service message to send afterwards, or {@code null}
 * @param name the case, for logs
 */
public record ReleaseTestCase(String name, String replyContent, FollowUp followUp) {

    /** The text of the passive-reply case. */
    public static final String TEXT = "TESTCOMPONENT_MSG_TYPE_TEXT";
    /** The prefix of the customer-service case. */
    public static final String QUERY_AUTH_CODE = "QUERY_AUTH_CODE:";

    /**
     * @param message the decrypted message's fields
     * @param openid the sender (the {@code openid} query parameter, else {@code FromUserName})
     * @param deadlineNanos {@link System#nanoTime()} by which the follow-up must be done
     */
    static ReleaseTestCase of(Map<String, String> message, String componentAppid, String authorizerAppid,
            String openid, long deadlineNanos) {
        String msgType = message.getOrDefault("MsgType", "");
        String content = message.getOrDefault("Content", "");
        if ("text".equals(msgType) && TEXT.equals(content)) {
            return new ReleaseTestCase("text", TEXT + "_callback", null);
        }
        if ("text".equals(msgType) && content.startsWith(QUERY_AUTH_CODE)
                && content.length() > QUERY_AUTH_CODE.length()) {
            return new ReleaseTestCase("query-auth-code", null, new FollowUp(componentAppid, authorizerAppid, openid,
                    content.substring(QUERY_AUTH_CODE.length()), deadlineNanos));
        }
        if ("event".equals(msgType) && !message.getOrDefault("Event", "").isEmpty()) {
            return new ReleaseTestCase("event", message.get("Event") + "from_callback", null);
        }
        return new ReleaseTestCase("other", null, null);
    }

    /**
     * The customer-service answer of a {@code QUERY_AUTH_CODE} message.
     *
     * @param code the authorization code to exchange (secret: not in {@link #toString()})
     * @param openid the test user to write to
     */
    public record FollowUp(String componentAppid, String authorizerAppid, String openid, String code,
            long deadlineNanos) {

        @Override
        public String toString() {
            return "FollowUp[authorizer=" + authorizerAppid + "]";
        }
    }
}
