package io.wechatopen.camel.intake;

/**
 * A push to the 授权事件接收URL is refused: {@link #getStatus()} is the HTTP status of the answer (401 when it fails
 * verification, 400 when malformed, 413 when too large) and the message is the short, secret-free reason that is
 * logged and sent back.
 */
public class PushRejectedException extends RuntimeException {

    private final int status;

    public PushRejectedException(int status, String reason) {
        super(reason);
        this.status = status;
    }

    public PushRejectedException(int status, String reason, Throwable cause) {
        super(reason, cause);
        this.status = status;
    }

    public int getStatus() {
        return status;
    }
}
