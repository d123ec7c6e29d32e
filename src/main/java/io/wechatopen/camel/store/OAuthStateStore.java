package io.wechatopen.camel.store;

import java.time.Instant;
import java.util.Optional;

import io.wechatopen.camel.model.OAuthAttempt;
import io.wechatopen.camel.store.AuthorizationStateStore.Outcome;

/**
 * The server side of the one-time {@code state} of web authorizations on behalf of accounts
 * ({@code wechat_oauth_state}). Only a hash of the state is stored (callers pass the hash), so a database reader
 * cannot forge callbacks.
 */
public interface OAuthStateStore {

    /**
     * @param outcome what happened
     * @param attempt the attempt, present only when {@code CONSUMED}
     */
    record Consumed(Outcome outcome, Optional<OAuthAttempt> attempt) {
    }

    /** Stores a new attempt under {@code stateHash}. */
    void save(String stateHash, OAuthAttempt attempt);

    /**
     * Marks the state used, atomically: of concurrent callers exactly one gets {@code CONSUMED}. A state started for
     * another account is {@code UNKNOWN} here.
     *
     * @return CONSUMED with the attempt, or why not
     */
    Consumed consume(String stateHash, String authorizerAppid, Instant now);

    /** Deletes attempts that expired before {@code before}. @return how many */
    int deleteExpired(Instant before);
}
