package io.wechatopen.camel.api;

/**
 * WeChat could not be reached (connection refused, timeout, reset) even after the retries of
 * {@code wechat-api-errors}. The message names the call and the transport failure, never a URL query.
 */
public class WeChatUnreachableException extends RuntimeException {

    public WeChatUnreachableException(String call, Throwable cause) {
        super(call + " could not reach WeChat ({{wechat.api.base-url}}): " + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), cause);
    }
}
