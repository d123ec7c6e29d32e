package io.wechatopen.camel.relay;

import java.time.Instant;

/**
 * A token as the relay endpoint hands it out.
 *
 * @param accessToken the token (secret)
 * @param expiresAt when WeChat stops accepting it
 * @param componentAppid the component it belongs to
 */
public record RelayedToken(String accessToken, Instant expiresAt, String componentAppid) {

    @Override
    public String toString() {
        return "RelayedToken[component=" + componentAppid + ", expiresAt=" + expiresAt + "]";
    }
}
