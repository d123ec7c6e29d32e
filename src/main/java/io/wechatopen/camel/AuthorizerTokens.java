package io.wechatopen.camel;

/**
 * Access tokens of the accounts that authorized this platform, for other routes and bundles. Registered in the
 * Camel registry as {@code authorizerTokens} (and as an OSGi service in Karaf). Tokens are refreshed ahead of
 * expiry; callers never refresh themselves, they report a token WeChat refused.
 */
public interface AuthorizerTokens {

    /**
     * A valid {@code authorizer_access_token} of an account. When the account authorized several components of
     * this deployment, use {@link #accessToken(String, String)}.
     *
     * @throws AuthorizerUnavailableException saying why there is none: unknown account, authorization withdrawn,
     *         re-authorization needed, ambiguous component, or WeChat unreachable
     */
    String accessToken(String authorizerAppid);

    /**
     * A valid {@code authorizer_access_token} of an account for one component.
     *
     * @throws AuthorizerUnavailableException saying why there is none
     */
    String accessToken(String componentAppid, String authorizerAppid);

    /**
     * WeChat refused {@code token} (40001/42001/40014): expires exactly that token, so the next
     * {@link #accessToken} call refreshes. A token that was already replaced is ignored.
     */
    void reportInvalid(String authorizerAppid, String token);
}
