package io.wechatopen.camel.crypto;

/**
 * The {@code Encrypt} value cannot be turned into a message: not Base64 (-40010), not a whole number of AES
 * blocks or bad PKCS#7 padding (-40007), or a length field that does not fit the buffer (-40008).
 */
public class DecryptionException extends WeChatCryptoException {

    public DecryptionException(int errorCode, String message) {
        super(errorCode, message);
    }

    public DecryptionException(int errorCode, String message, Throwable cause) {
        super(errorCode, message, cause);
    }
}
