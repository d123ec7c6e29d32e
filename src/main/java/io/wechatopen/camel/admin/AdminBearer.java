package io.wechatopen.camel.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The admin endpoints' guard: {@code Authorization: Bearer {{wechat.admin.token}}}, compared in constant time. A
 * refused request is answered 401 with a JSON reason that never repeats what was sent.
 */
public final class AdminBearer {

    private final byte[] expectedAuthorization;

    public AdminBearer(String adminToken) {
        this.expectedAuthorization = ("Bearer " + adminToken).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Removes the request headers (nothing a caller sent is echoed back) and, when the bearer token is missing or
     * wrong, makes the message a 401 answer.
     *
     * @return true when the caller may proceed
     */
    public boolean admit(Exchange exchange) {
        Message message = exchange.getMessage();
        String authorization = message.getHeader("Authorization", String.class);
        message.removeHeaders("*");
        if (authorization != null
                && MessageDigest.isEqual(authorization.getBytes(StandardCharsets.UTF_8), expectedAuthorization)) {
            return true;
        }
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 401);
        message.setHeader("WWW-Authenticate", "Bearer realm=\"wechat-admin\"");
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody("{\"error\":\"a valid bearer token ({{wechat.admin.token}}) is required\"}");
        return false;
    }
}
