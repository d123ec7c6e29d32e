package io.wechatopen.camel.token;

/**
 * No {@code component_verify_ticket} younger than 12 h is stored, so no component token can be obtained. WeChat has
 * been asked to push one ({@code api_start_push_ticket}); the token is fetched as soon as it arrives.
 */
public class NoUsableTicketException extends RuntimeException {

    public NoUsableTicketException(String message) {
        super(message);
    }
}
