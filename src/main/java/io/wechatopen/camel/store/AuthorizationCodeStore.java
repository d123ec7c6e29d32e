package io.wechatopen.camel.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Claims on authorization codes ({@code wechat_authorization_code}), so that the browser callback and the
 * {@code authorized} push, on any instance, exchange a code with {@code api_query_auth} exactly once. Codes are
 * stored only as hashes.
 */
public interface AuthorizationCodeStore {

    /** The state of a claim. */
    enum Status {
        /** Its holder is exchanging the code (or died doing so: see {@link #claim}). */
        PENDING,
        /**
         * {@code api_query_auth} may have reached WeChat but its answer was lost (read timeout, reset, 5xx, -1, or
         * the holder died): the code may be used up, so it is never sent again blindly; the authorization is
         * completed through the account's appid instead.
         */
        UNKNOWN,
        /** The authorization is stored. */
        DONE,
        /** WeChat definitively refused the code. */
        FAILED
    }

    /**
     * @param componentAppid the component
     * @param codeHash the code's hash
     * @param status where the exchange stands
     * @param authorizerAppid set when DONE
     * @param errcode WeChat's errcode when FAILED (null for other failures)
     * @param claimedAt when the claim was taken
     */
    record Claim(String componentAppid, String codeHash, Status status, String authorizerAppid, Integer errcode,
            Instant claimedAt) {
    }

    /**
     * Takes the claim of a code. Of concurrent callers exactly one gets empty (it must exchange the code); the
     * others get the existing claim. A PENDING claim older than {@code staleAfter} (its holder died, perhaps after
     * calling {@code api_query_auth}) becomes UNKNOWN and is returned so.
     */
    Optional<Claim> claim(String componentAppid, String codeHash, Instant now, Duration staleAfter);

    /** @return the claim, if any */
    Optional<Claim> find(String componentAppid, String codeHash);

    /** Marks a PENDING or UNKNOWN claim FAILED with WeChat's definitive errcode. */
    void fail(String componentAppid, String codeHash, Integer errcode, Instant at);

    /** Marks a PENDING claim UNKNOWN: the code may have been used, its answer was lost. */
    void markUnknown(String componentAppid, String codeHash, Instant at);

    /**
     * Deletes a PENDING claim taken at {@code claimedAt}: {@code api_query_auth} never reached WeChat (connection
     * refused), so the code is unused and the next caller may exchange it.
     */
    void release(String componentAppid, String codeHash, Instant claimedAt);
}
