package io.wechatopen.camel.sandbox;

import java.time.Instant;

/**
 * A {@code component_verify_ticket} the sandbox minted.
 *
 * @param value {@code ticket@@@} followed by 86 url-safe characters
 * @param createdAt when it was minted; its push carries this as {@code CreateTime}
 */
public record SandboxTicket(String value, Instant createdAt) {

    @Override
    public String toString() {
        return "SandboxTicket[createdAt=" + createdAt + "]";
    }
}
