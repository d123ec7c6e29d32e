package io.wechatopen.camel.crypto;

/** The configured EncodingAESKey is not 43 characters that decode to 32 bytes (WXBizMsgCrypt -40004). */
public class InvalidAesKeyException extends WeChatCryptoException {

    public InvalidAesKeyException(String message) {
        super(-40004, message);
    }
}
