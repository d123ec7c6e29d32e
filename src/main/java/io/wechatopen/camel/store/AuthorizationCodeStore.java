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
        PENDING, DONE, FAILED
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
     * others get the existing claim. A PENDING claim older than {@code staleAfter} (its holder died) is taken over
     * (empty is returned).
     */
    Optional<Claim> claim(String componentAppid, String codeHash, Instant now, Duration staleAfter);

    /** @return the claim, if any */
    Optional<Claim> find(String componentAppid, String codeHash);

    /** Marks a PENDING claim FAILED with WeChat's errcode (null when the failure was not a WeChat answer). */
    void fail(String componentAppid, String codeHash, Integer errcode, Instant at);
}
