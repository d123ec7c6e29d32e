package io.wechatopen.camel.client;

/**
 * Names of the headers and exchange properties of {@code direct:wechat-api-call} and the API routes behind it, kept
 * here so the routes and the adapters they call share them without depending on each other.
 */
public final class WeChatApiHeaders {

    /** Exchange property holding the JSON request, re-sent on every redelivery. */
    public static final String REQUEST = "WeChatApiRequest";
    /** Header with the API's path under {@code wechat.api.base-url}. */
    public static final String PATH = "WeChatApiPath";
    /** Header with the HTTP method of the call (POST unless said otherwise). */
    public static final String METHOD = "WeChatApiMethod";
    /**
     * Exchange property ({@code Boolean}): the call may be repeated after it may have reached WeChat. Unset means
     * not: such a call is redelivered only when its connection was never made.
     */
    public static final String IDEMPOTENT = "WeChatApiIdempotent";

    private WeChatApiHeaders() {
    }
}
