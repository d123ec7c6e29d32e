package io.wechatopen.camel.api;

/**
 * WeChat (or something in front of it) answered with an HTTP status other than 200. 5xx is transient and retried.
 * The message names the API, never the URL (which may carry a token).
 */
public class WeChatHttpException extends RuntimeException {

    private final int status;

    public WeChatHttpException(String api, int status) {
        super(api + " failed: HTTP " + status);
        this.status = status;
    }

    public int getStatus() {
        return status;
    }

    /** 5xx: a retry may succeed. */
    public boolean isTransient() {
        return status >= 500;
    }
}
