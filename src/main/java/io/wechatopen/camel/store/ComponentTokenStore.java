package io.wechatopen.camel.store;

import java.time.Instant;
import java.util.Optional;

import io.wechatopen.camel.model.ComponentAccessToken;

/**
 * Persists the {@code component_access_token} of each component (encrypted at rest), and the lease that makes one
 * instance of several on the database fetch it: a holder ({@code wechat.cluster.node-id}) and a deadline, after which
 * any instance may take the lease over.
 */
public interface ComponentTokenStore {

    /**
     * @return the stored token, or empty when none was ever obtained
     * @throws StoreException when the database cannot be read
     */
    Optional<ComponentAccessToken> findToken(String componentAppid);

    /**
     * Stores {@code token} unless the store already holds one that expires later, in one transaction, without a
     * lease. Not for a token just issued by WeChat, whose last-issued token is the valid one whatever the expiries: that
     * one is stored with {@link #saveLeasedToken}.
     *
     * @return true when {@code token} is now the stored one
     * @throws StoreException when the database cannot be written; nothing is changed then
     */
    boolean saveToken(ComponentAccessToken token);

    /**
     * Takes the component's token lease for {@code holder} until {@code until}, as a compare-and-set: only when no
     * lease is held, the lease's deadline is before {@code now}, or {@code holder} holds it already (then it is
     * renewed). The component's row is created when absent. One transaction.
     *
     * @return true when {@code holder} now holds the lease; false when another holder's lease runs at {@code now}
     * @throws StoreException when the database cannot be written; nothing is changed then
     */
    boolean tryLease(String componentAppid, String holder, Instant now, Instant until);

    /**
     * Stores {@code token} as the current one, whatever the expiry of the stored one (the token WeChat issued last
     * is the valid one; an earlier one stops working after a grace period), and releases the lease, in one
     * transaction; only while {@code holder} holds the component's lease (even past its deadline, as long as no one
     * took it over).
     *
     * @return true when stored; false when {@code holder} lost the lease, and nothing is changed then
     * @throws StoreException when the database cannot be written; nothing is changed then
     */
    boolean saveLeasedToken(ComponentAccessToken token, String holder);

    /**
     * Releases the component's lease if {@code holder} holds it; otherwise changes nothing.
     *
     * @throws StoreException when the database cannot be written
     */
    void releaseLease(String componentAppid, String holder);

    /**
     * Expires the stored token at {@code at} when it is still {@code token} and expires later, in one transaction
     * (compare-and-set on the stored value), so that every instance refreshes it once instead of each being refused
     * by WeChat; a token already replaced is left alone.
     *
     * @return true when {@code token} was the stored one and is now expired
     * @throws StoreException when the database cannot be written or the stored token cannot be opened
     */
    boolean expireToken(String componentAppid, String token, Instant at);
}
