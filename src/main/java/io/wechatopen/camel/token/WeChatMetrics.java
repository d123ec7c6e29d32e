package io.wechatopen.camel.token;

/**
 * Counts what the bundle does, for the metrics endpoint. Plain Java, so the token, intake and API code can report
 * without depending on a metrics library; the Micrometer implementation lives with the admin endpoints.
 * Implementations must be thread-safe and fast, and must never throw. Values are never secrets.
 */
public interface WeChatMetrics {

    /** How one authorizer token refresh attempt ended. */
    enum RefreshOutcome {
        /** A new access token was obtained and stored. */
        REFRESHED,
        /** The refresh token was refused (61023), a current one was recovered and used. */
        RECOVERED,
        /** WeChat could not be reached or answered a temporary error; the account stays AUTHORIZED. */
        FAILED,
        /** WeChat definitively refused every refresh token: the account was marked NEEDS_REAUTHORIZATION. */
        NEEDS_REAUTHORIZATION,
        /** The account withdrew its authorization (61003). */
        UNAUTHORIZED
    }

    /** Metrics that record nothing (unit tests, tools). */
    WeChatMetrics NONE = new WeChatMetrics() {
    };

    /**
     * A push reached the 授权事件接收URL.
     *
     * @param infoType the push's InfoType, or {@code unknown} when it could not be read
     * @param outcome lower-case: {@code stored}, {@code duplicate}, {@code refused} (401), {@code malformed} (400),
     *        {@code too_large} (413), {@code error} (500)
     */
    default void pushReceived(String infoType, String outcome) {
    }

    /**
     * A WeChat API answered (or failed to).
     *
     * @param api the API name, e.g. {@code api_component_token}, or the path for calls on behalf of an account
     * @param errcode WeChat's errcode as text ({@code 0} for success), or {@code http_<status>}, {@code connect},
     *        {@code timeout}, {@code io} when no WeChat answer was read
     */
    default void apiCalled(String api, String errcode) {
    }

    /** One authorizer token refresh attempt that reached WeChat ended. */
    default void authorizerRefresh(RefreshOutcome outcome) {
    }
}
