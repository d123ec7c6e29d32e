package io.wechatopen.camel.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A ticket WeChat issued for an account that authorized the component ({@code /cgi-bin/ticket/getticket}), e.g. the
 * {@code jsapi_ticket} that signs a page's JS-SDK configuration. Its {@link #toString()} never shows the ticket.
 *
 * @param componentAppid the component the account authorized
 * @param authorizerAppid the account
 * @param type WeChat's ticket type, e.g. {@value #JSAPI}
 * @param ticket the secret
 * @param expiresAt when WeChat stops accepting it ({@code expires_in} after it was issued)
 */
public record AuthorizerTicket(String componentAppid, String authorizerAppid, String type, String ticket,
        Instant expiresAt) {

    /** The ticket type of the JS-SDK's {@code wx.config} signature. */
    public static final String JSAPI = "jsapi";

    public AuthorizerTicket {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(authorizerAppid, "authorizerAppid");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(ticket, "ticket");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** Whether it can still be handed out at {@code now}: more than {@code skew} before its expiry. */
    public boolean usableAt(Instant now, Duration skew) {
        return now.isBefore(expiresAt.minus(skew));
    }

    @Override
    public String toString() {
        return "AuthorizerTicket[componentAppid=" + componentAppid + ", authorizerAppid=" + authorizerAppid
                + ", type=" + type + ", expiresAt=" + expiresAt + "]";
    }
}
