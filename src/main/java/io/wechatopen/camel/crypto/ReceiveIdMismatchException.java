package io.wechatopen.camel.crypto;

/** The decrypted message names another receive id (component AppId) than ours (WXBizMsgCrypt -40005). */
public class ReceiveIdMismatchException extends WeChatCryptoException {

    public ReceiveIdMismatchException(String message) {
        super(-40005, message);
    }
}
