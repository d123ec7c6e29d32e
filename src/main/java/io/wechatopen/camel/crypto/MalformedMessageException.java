package io.wechatopen.camel.crypto;

/** An XML envelope or payload that cannot be parsed safely, or lacks a required element (WXBizMsgCrypt -40002). */
public class MalformedMessageException extends WeChatCryptoException {

    public MalformedMessageException(String message) {
        super(-40002, message);
    }

    public MalformedMessageException(String message, Throwable cause) {
        super(-40002, message, cause);
    }
}
