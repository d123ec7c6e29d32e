package io.wechatopen.camel.model;

import java.util.Objects;

/**
 * A recorded push read back for processing.
 *
 * @param id the event row's id
 * @param push the decrypted push (fields opened from the sealed payload)
 * @param attempts how many processing attempts failed so far
 */
public record StoredEvent(String id, ComponentPush push, int attempts) {

    public StoredEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(push, "push");
    }
}
