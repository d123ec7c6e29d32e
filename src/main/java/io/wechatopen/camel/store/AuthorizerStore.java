package io.wechatopen.camel.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

import io.wechatopen.camel.model.Authorization;
import io.wechatopen.camel.model.AuthorizationChange;
import io.wechatopen.camel.model.AuthorizerRecord;

/**
 * The authorizations held in {@code wechat_authorizer}, one row per component appid and authorizer appid. Access
 * and refresh tokens are sealed at rest. A refresh token is never overwritten with an empty value and never
 * deleted except when the account withdrew its authorization. Every write is one transaction and increments
 * {@code version}. Status changes carry the time they took effect; an older change never overrides a newer one.
 *
 * <p>Several instances on one database: the instance that refreshes an account's access token holds the account's
 * lease (a holder, {@code wechat.cluster.node-id}, and a deadline); once the deadline has passed any instance may take
 * it over. Taking, renewing and releasing a lease do not change {@code version}. The back-off after failed refreshes
 * is kept in the row too, so every instance respects it.
 *
 * <p>The status changes take the {@link AuthorizationChange} to tell integrators of: its notice is written to the
 * outbox ({@link NoticeStore}) in the same transaction, only when the change is applied, so a change is never stored
 * without its notice nor a notice without its change. The forms without it write no notice (data fixes, tests).
 */
public interface AuthorizerStore {

    /**
     * @return the number of authorizers of a component by status name, statuses with no authorizer left out
     * @throws StoreException when the database cannot be read
     */
    Map<String, Long> countByStatus(String componentAppid);

    /** @return the number of AUTHORIZED rows of a component whose access token is valid at {@code now} */
    long countWithValidToken(String componentAppid, Instant now);

    /** @return the row, tokens opened, or empty */
    Optional<AuthorizerRecord> find(String componentAppid, String authorizerAppid);

    /** @return the rows of one account across all components (an account may authorize several) */
    List<AuthorizerRecord> findByAuthorizer(String authorizerAppid);

    /** How many rows {@link #streamAll} reads at a time. */
    int PAGE = 500;

    /**
     * @param after the authorizer appid the page starts after, or null for the first page
     * @return at most {@code limit} rows of a component whose authorizer appid sorts after {@code after}, ordered by
     *         authorizer appid
     * @throws IllegalArgumentException when {@code limit} is below 1
     */
    List<AuthorizerRecord> findPage(String componentAppid, String after, int limit);

    /**
     * Every row of a component, ordered by authorizer appid, read {@value #PAGE} at a time as the stream is
     * consumed, so a component with many accounts is never held in memory at once. Each page is its own read: a row
     * written meanwhile may or may not be seen, none is seen twice.
     */
    default Stream<AuthorizerRecord> streamAll(String componentAppid) {
        return Stream.iterate(findPage(componentAppid, null, PAGE), Objects::nonNull,
                page -> page.size() < PAGE ? null
                        : findPage(componentAppid, page.get(page.size() - 1).authorizerAppid(), PAGE))
                .flatMap(List::stream);
    }

    /**
     * @return at most {@code limit} AUTHORIZED rows that hold a refresh token and whose access token is missing or
     *         expires at or before {@code expiringBefore}, soonest expiry first (missing first)
     */
    List<AuthorizerRecord> findDueForRefresh(String componentAppid, Instant expiringBefore, int limit);

    /**
     * Stores an exchanged authorization: status AUTHORIZED (effective at {@code authorizedAt}), access token,
     * expiry, func_info, authorized_at; the refresh token only when non-empty (else the stored one is kept). When
     * {@code codeHash} is not null, the claim of that authorization code is marked DONE with the authorizer appid
     * in the same transaction.
     *
     * @return the stored row
     */
    default AuthorizerRecord saveAuthorization(Authorization authorization, String codeHash) {
        return saveAuthorization(authorization, codeHash, null);
    }

    /**
     * {@link #saveAuthorization(Authorization, String)}, writing the notice of {@code notice} (when not null) in the
     * same transaction when the authorization row was written (not when a later status change kept it).
     */
    AuthorizerRecord saveAuthorization(Authorization authorization, String codeHash, AuthorizationChange notice);

    /**
     * Stores a refreshed access token (and the refresh token when non-empty), as a compare-and-set: only while the
     * row is AUTHORIZED, still holds {@code startedFrom} as its refresh token (the one the refresh was made with),
     * and holds no access token expiring at or after {@code expiresAt}. A refresh that raced with a
     * re-authorization, a recovery or another instance's refresh therefore never writes dead tokens back.
     *
     * @return true when stored; false when the row changed meanwhile (the caller re-reads it)
     */
    default boolean saveRefreshedToken(String componentAppid, String authorizerAppid, String startedFrom,
            String accessToken, Instant expiresAt, String refreshToken) {
        return saveRefreshedToken(componentAppid, authorizerAppid, startedFrom, accessToken, expiresAt, refreshToken,
                null);
    }

    /**
     * As {@link #saveRefreshedToken(String, String, String, String, Instant, String)}, and, when {@code leaseHolder}
     * is not null, only while {@code leaseHolder} holds the account's lease (even past its deadline, as long as no
     * other instance took it over); the lease is released in the same transaction. A stored token also ends the
     * refresh back-off (failures reset).
     *
     * @return true when stored; false when the row changed meanwhile or the lease was lost (the caller re-reads)
     */
    boolean saveRefreshedToken(String componentAppid, String authorizerAppid, String startedFrom, String accessToken,
            Instant expiresAt, String refreshToken, String leaseHolder);

    /**
     * Stores a refreshed access token (and the refresh token when non-empty) only while the row is AUTHORIZED, still
     * at {@code version} (so its tokens are those the refresh started from: every token or status write increments
     * it) and leased to {@code leaseHolder}; the lease is released and the refresh back-off ended in the same write.
     * The cheap form of {@link #saveRefreshedToken(String, String, String, String, Instant, String, String)} for a
     * refresh made from a row read under the lease.
     *
     * @return true when stored; false when the row changed or the lease was lost (the caller re-reads)
     */
    boolean saveRefreshedTokenIfUnchanged(String componentAppid, String authorizerAppid, long version,
            String leaseHolder, String accessToken, Instant expiresAt, String refreshToken);

    /**
     * Claims up to {@code limit} accounts due for a refresh, for one sweep of {@code holder}: in one transaction,
     * selects AUTHORIZED rows that hold a refresh token, whose access token is missing or expires at or before
     * {@code expiringBefore}, that no one else leases at {@code now} and that are not backing off at {@code now},
     * skipping rows another transaction has locked (so concurrent claimers get disjoint sets), and leases them to
     * {@code holder} until {@code leaseUntil}.
     *
     * <p>Rows without an access token have no expiry either (every write keeps the two together).
     *
     * @return the claimed rows, tokens opened, soonest expiry first (missing first; equal expiries in any order);
     *         empty when none is due
     */
    List<AuthorizerRecord> claimDueForRefresh(String componentAppid, Instant expiringBefore, String holder,
            Instant now, Instant leaseUntil, int limit);

    /**
     * Announces a sweep of the component's tokens by {@code holder}, under way until {@code until}, so that every
     * instance joins it ({@link #sweepsUnderway}); replaces an earlier announcement.
     */
    void announceSweep(String componentAppid, String holder, Instant until);

    /** @return the components whose announced sweep is under way at {@code now} */
    List<String> sweepsUnderway(Instant now);

    /** Ends the component's announced sweep (nothing is left to claim); a no-op when none is announced. */
    void endSweep(String componentAppid);

    /**
     * Takes the account's lease for {@code holder} until {@code until}, as a compare-and-set: only when no lease is
     * held, its deadline is before {@code now}, or {@code holder} holds it already (then it is renewed).
     *
     * @return true when {@code holder} now holds the lease; false when another holder's lease runs, or no such row
     */
    boolean tryLease(String componentAppid, String authorizerAppid, String holder, Instant now, Instant until);

    /** Releases the account's lease if {@code holder} holds it; otherwise changes nothing. */
    void releaseLease(String componentAppid, String authorizerAppid, String holder);

    /**
     * The refresh back-off of an account: consecutive failed refreshes, when the next attempt is due, the last
     * secret-free error.
     *
     * @param failures failed refreshes since the last success (at least 1)
     * @param retryAt when the next refresh may be attempted
     * @param error the last failure's message, or null
     */
    record RefreshBackoff(int failures, Instant retryAt, String error) {
    }

    /** @return the account's refresh back-off; empty when its last refresh did not fail or the row is missing */
    Optional<RefreshBackoff> findRefreshBackoff(String componentAppid, String authorizerAppid);

    /**
     * Records a failed refresh: one more failure, the next attempt not before {@code retryAt}, {@code error} (no
     * secret) kept; and releases the lease of {@code holder}, in one transaction.
     *
     * @return false when no such row
     */
    boolean recordRefreshFailure(String componentAppid, String authorizerAppid, String holder, Instant retryAt,
            String error);

    /**
     * Replaces a refresh token WeChat refused (61023) by the one it now gives ({@code api_get_authorizer_info} or
     * {@code _list}), purging the access token; a compare-and-set on {@code expected}, only while AUTHORIZED.
     *
     * @return true when replaced; false for an empty replacement or when the row changed meanwhile
     */
    boolean replaceRefreshToken(String componentAppid, String authorizerAppid, String expected, String replacement);

    /**
     * Purges the access token when it is exactly {@code accessToken} (a consumer found it invalid).
     *
     * @return true when purged
     */
    boolean expireAccessToken(String componentAppid, String authorizerAppid, String accessToken);

    /** Stores the account facts of {@code api_get_authorizer_info} as JSON. @return false when no such row */
    boolean saveInfo(String componentAppid, String authorizerAppid, String infoJson);

    /**
     * Status UNAUTHORIZED effective at {@code at}, access and refresh token purged (a withdrawn authorization's
     * tokens are void). Ignored when a later status change is stored.
     *
     * @return true when changed
     */
    default boolean markUnauthorized(String componentAppid, String authorizerAppid, Instant at) {
        return markUnauthorized(componentAppid, authorizerAppid, at, null);
    }

    /** {@link #markUnauthorized(String, String, Instant)}, writing the notice (when not null) when changed. */
    boolean markUnauthorized(String componentAppid, String authorizerAppid, Instant at, AuthorizationChange notice);

    /**
     * Status NEEDS_REAUTHORIZATION effective at {@code at} for an AUTHORIZED row that still holds
     * {@code refusedRefreshToken} (compare-and-set: a re-authorization stored meanwhile wins); the access token is
     * purged, the refused refresh token kept for audit. Ignored when a later status change is stored.
     *
     * @return true when changed
     */
    default boolean markNeedsReauthorization(String componentAppid, String authorizerAppid, Instant at,
            String refusedRefreshToken) {
        return markNeedsReauthorization(componentAppid, authorizerAppid, at, refusedRefreshToken, null);
    }

    /**
     * {@link #markNeedsReauthorization(String, String, Instant, String)}, writing the notice (when not null) when
     * changed.
     */
    boolean markNeedsReauthorization(String componentAppid, String authorizerAppid, Instant at,
            String refusedRefreshToken, AuthorizationChange notice);

    /**
     * Recovery of a refresh token that WeChat lists for an account ({@code api_get_authorizer_list} or
     * {@code api_get_authorizer_info}): inserts the row as AUTHORIZED when absent; otherwise stores the token when
     * it differs from the stored one and makes the row AUTHORIZED again (WeChat lists only current
     * authorizations), purging a stale access token. A row whose status changed after {@code at} keeps its state,
     * except a NEEDS_REAUTHORIZATION row, which any token other than the refused one revives. Empty tokens are
     * ignored.
     *
     * @return true when something changed
     */
    default boolean restoreRefreshToken(String componentAppid, String authorizerAppid, String refreshToken,
            Instant at) {
        return restoreRefreshToken(componentAppid, authorizerAppid, refreshToken, at, null);
    }

    /**
     * {@link #restoreRefreshToken(String, String, String, Instant)}, writing the notice (when not null) when
     * something changed.
     */
    boolean restoreRefreshToken(String componentAppid, String authorizerAppid, String refreshToken, Instant at,
            AuthorizationChange notice);
}
