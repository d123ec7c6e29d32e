package io.wechatopen.camel.store;

import java.time.Instant;
import java.util.Optional;

import io.wechatopen.camel.model.AuthorizationState;

/**
 * The server side of the one-time {@code state} of authorization attempts ({@code wechat_authorization_state}).
 * Only a hash of the state is stored (callers pass the hash), so a database reader cannot forge callbacks.
 */
public interface AuthorizationStateStore {

    /** Why {@link #consume} gave no state, or that it did. */
    enum Outcome {
        CONSUMED, UNKNOWN, ALREADY_USED, EXPIRED
    }

    /**
     * @param outcome what happened
     * @param state the attempt, present only when {@code CONSUMED}
     */
    record Consumed(Outcome outcome, Optional<AuthorizationState> state) {
    }

    /** Stores a new attempt under {@code stateHash}. */
    void save(String stateHash, AuthorizationState state);

    /**
     * Marks the state used, atomically: of concurrent callers exactly one gets {@code CONSUMED}.
     *
     * @return CONSUMED with the attempt, or why not
     */
    Consumed consume(String stateHash, Instant now);

    /** Deletes attempts that expired before {@code before}. @return how many */
    int deleteExpired(Instant before);
}
