package io.wechatopen.camel.store;

/** The database could not be read or written. Never carries SQL parameters (they may hold secrets). */
public class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
