package io.wechatopen.camel.api;

/**
 * WeChat could not be reached or its answer was lost (connection refused, timeout, reset) even after the retries
 * of {@code wechat-api-errors}. The message names the call and the transport failure, never a URL query.
 */
public class WeChatUnreachableException extends RuntimeException {

    private final boolean mayHaveReachedWeChat;

    /**
     * @param call the endpoint or API called
     * @param cause the transport failure
     * @param mayHaveReachedWeChat false only when the request certainly never left (connection refused, connect
     *        timeout, unknown host): then WeChat did nothing and the call may be sent again
     */
    public WeChatUnreachableException(String call, Throwable cause, boolean mayHaveReachedWeChat) {
        super(call + (mayHaveReachedWeChat ? " got no answer from WeChat ({{wechat.api.base-url}}): "
                : " could not reach WeChat ({{wechat.api.base-url}}): ") + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), cause);
        this.mayHaveReachedWeChat = mayHaveReachedWeChat;
    }

    /**
     * Whether the request may have reached WeChat (read timeout, reset, lost reply): WeChat may have done the
     * call's work, so a call that must happen at most once (api_query_auth, a message sent) is not repeated.
     */
    public boolean mayHaveReachedWeChat() {
        return mayHaveReachedWeChat;
    }

    /**
     * Whether WeChat may have acted on a call that failed with {@code failure}: false only for a transport failure
     * before the request left.
     */
    public static boolean mayHaveReached(Throwable failure) {
        return !(failure instanceof WeChatUnreachableException unreachable) || unreachable.mayHaveReachedWeChat();
    }
}
