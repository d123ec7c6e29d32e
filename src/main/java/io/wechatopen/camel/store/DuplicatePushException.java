package io.wechatopen.camel.store;

/** The same push delivery (msg_signature, timestamp, nonce) was already recorded: a replay. */
public class DuplicatePushException extends StoreException {

    public DuplicatePushException(String message) {
        super(message);
    }
}
