package io.wechatopen.camel.crypto;

/** A {@code signature} or {@code msg_signature} does not match (WXBizMsgCrypt -40001). */
public class InvalidSignatureException extends WeChatCryptoException {

    public InvalidSignatureException(String message) {
        super(-40001, message);
    }
}
