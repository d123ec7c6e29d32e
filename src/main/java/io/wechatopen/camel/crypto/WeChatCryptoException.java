package io.wechatopen.camel.crypto;

/**
 * Base of every failure of WeChat message crypto. Carries the error code of Tencent's WXBizMsgCrypt samples
 * (-40001 signature mismatch ... -40011), so logs can be matched against WeChat's documentation.
 * Messages never contain key material, tokens or payloads.
 */
public class WeChatCryptoException extends RuntimeException {

    private final int errorCode;

    public WeChatCryptoException(int errorCode, String message) {
        super(message);
        this.errorCode = errorCode;
    }

    public WeChatCryptoException(int errorCode, String message, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
    }

    /** The WXBizMsgCrypt error code, for example -40001 for a signature mismatch. */
    public int getErrorCode() {
        return errorCode;
    }
}
