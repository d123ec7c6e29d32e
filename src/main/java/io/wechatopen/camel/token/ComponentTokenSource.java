package io.wechatopen.camel.token;

/**
 * Where the component APIs' {@code component_access_token} comes from: WeChat ({@link ComponentTokenManager}, the
 * owner of the token) or the owner's relay endpoint ({@code wechat.component.token-source = relay}). Chosen once at
 * start; thread-safe; implementations never log or throw token values.
 */
public interface ComponentTokenSource {

    /**
     * A token that is valid now.
     *
     * @throws IllegalArgumentException for a component that is not configured
     * @throws RuntimeException saying why none can be had (no ticket, back-off, WeChat refused, relay unreachable)
     */
    String accessToken(String componentAppid);

    /**
     * WeChat refused {@code token} (40001/42001/40014): it is not handed out again, and the next
     * {@link #accessToken} gets a fresh one. A token already replaced is left alone.
     */
    void reportInvalid(String componentAppid, String token);
}
