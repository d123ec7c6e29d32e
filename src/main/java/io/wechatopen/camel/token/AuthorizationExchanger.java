package io.wechatopen.camel.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.wechatopen.camel.api.ComponentApiClient;
import io.wechatopen.camel.api.WeChatApiException;
import io.wechatopen.camel.api.WeChatUnreachableException;
import io.wechatopen.camel.api.dto.AuthorizerInfoResponse;
import io.wechatopen.camel.api.dto.AuthorizerListResponse;
import io.wechatopen.camel.api.dto.FuncInfo;
import io.wechatopen.camel.api.dto.QueryAuthResponse;
import io.wechatopen.camel.model.Authorization;
import io.wechatopen.camel.model.AuthorizationChange;
import io.wechatopen.camel.model.AuthorizerRecord;
import io.wechatopen.camel.model.AuthorizerStatus;
import io.wechatopen.camel.store.AuthorizationCodeStore;
import io.wechatopen.camel.store.AuthorizationCodeStore.Claim;
import io.wechatopen.camel.store.AuthorizerStore;

/**
 * Exchanges authorization codes with {@code api_query_auth} exactly once per code, whether the browser callback or
 * the {@code authorized} push comes first, on this instance or another: callers of the same code in this JVM share
 * one exchange, and a claim row in the database elects one exchanger across instances; the others wait for its
 * result. The authorization is stored in one transaction with the claim's completion. Afterwards the account facts
 * are read ({@code api_get_authorizer_info}) and the change is stored with its notice.
 *
 * <p>A used code never loses its authorization: WeChat's codes are single-use, so {@code api_query_auth} is never
 * repeated once the request may have reached WeChat (a read timeout, a reset, a lost reply, 5xx, -1, a failed save,
 * or a holder that died). Such a claim becomes UNKNOWN and is completed through the account's appid (from the
 * {@code authorized} push, or found in {@code api_get_authorizer_list} when only the browser came back) with
 * {@code api_get_authorizer_info}, which gives the refresh token and func_info. When WeChat shows the authorization
 * not exchanged yet, the code was not used and is exchanged then. A claim is FAILED only on a definitive errcode; a
 * connection that was never made releases the claim so the next try exchanges the code.
 *
 * <p>Thread-safe; never logs or throws codes or tokens.
 */
public final class AuthorizationExchanger {

    private static final Duration WAIT_FOR_OTHER = Duration.ofSeconds(30);
    /** An account listed with an auth_time this much before a claim can still be the one it authorized. */
    private static final Duration LIST_WINDOW = Duration.ofMinutes(10);
    private static final Logger LOG = LoggerFactory.getLogger(AuthorizationExchanger.class);

    private final ComponentApiClient api;
    private final AuthorizerStore authorizers;
    private final AuthorizationCodeStore codes;
    private final Duration staleClaim;
    private final Clock clock;
    private final Map<String, CompletableFuture<AuthorizerRecord>> inFlight = new ConcurrentHashMap<>();

    /**
     * @param staleClaim a PENDING claim older than this is taken to belong to a holder that died (it must exceed
     *        the longest {@code api_query_auth} call with its connect retries)
     */
    public AuthorizationExchanger(ComponentApiClient api, AuthorizerStore authorizers, AuthorizationCodeStore codes,
            Duration staleClaim, Clock clock) {
        this.api = api;
        this.authorizers = authorizers;
        this.codes = codes;
        this.staleClaim = staleClaim;
        this.clock = clock;
    }

    /** {@link #exchange(String, String, String)} without knowing the account (the browser callback). */
    public AuthorizerRecord exchange(String componentAppid, String authorizationCode) {
        return exchange(componentAppid, authorizationCode, null);
    }

    /**
     * The authorization of a code: exchanged now, or the result of the exchange that already happened.
     *
     * @param authorizerAppid the account the code belongs to when known (the push names it), else null
     * @throws AuthorizationFailedException when WeChat refused the code (61009, 61010, ...), could not be reached, or
     *         the outcome is not known yet ({@link AuthorizationFailedException#isOutcomeUnknown()}: finishing)
     */
    public AuthorizerRecord exchange(String componentAppid, String authorizationCode, String authorizerAppid) {
        String codeHash = Hashes.sha256Hex(componentAppid, authorizationCode);
        CompletableFuture<AuthorizerRecord> mine = new CompletableFuture<>();
        CompletableFuture<AuthorizerRecord> running = inFlight.putIfAbsent(codeHash, mine);
        if (running != null) {
            return join(running);
        }
        try {
            mine.complete(exchangeOnce(componentAppid, authorizationCode, codeHash, authorizerAppid));
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
        } finally {
            inFlight.remove(codeHash, mine);
        }
        return join(mine);
    }

    private static AuthorizerRecord join(CompletableFuture<AuthorizerRecord> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private AuthorizerRecord exchangeOnce(String componentAppid, String code, String codeHash, String hint) {
        Instant claimedAt = clock.instant();
        Optional<Claim> existing = codes.claim(componentAppid, codeHash, claimedAt, staleClaim);
        if (existing.isEmpty()) {
            try {
                return queryAuth(componentAppid, code, codeHash, claimedAt, hint);
            } catch (AuthorizationFailedException e) {
                if (!e.isOutcomeUnknown()) {
                    throw e;
                }
                // WeChat has most likely done the work: finish through the account at once if it can be found.
                try {
                    return complete(componentAppid, code, codeHash, hint, claimedAt);
                } catch (AuthorizationFailedException again) {
                    throw again.isOutcomeUnknown() ? e : again;
                }
            }
        }
        Claim claim = existing.get();
        if (claim.status() == AuthorizationCodeStore.Status.PENDING) {
            claim = awaitOther(claim);
            if (claim.status() == AuthorizationCodeStore.Status.PENDING && isStale(claim)) {
                // Its holder died: the claim turns UNKNOWN (or, released meanwhile, is ours to exchange).
                claimedAt = clock.instant();
                Optional<Claim> again = codes.claim(componentAppid, codeHash, claimedAt, staleClaim);
                if (again.isEmpty()) {
                    return queryAuth(componentAppid, code, codeHash, claimedAt, hint);
                }
                claim = again.get();
            }
        }
        return switch (claim.status()) {
            case DONE -> authorizers.find(componentAppid, claim.authorizerAppid()).orElseThrow(
                    () -> new AuthorizationFailedException(null, "the authorization was exchanged but is not stored",
                            null));
            case FAILED -> throw new AuthorizationFailedException(claim.errcode(),
                    "WeChat refused the authorization code" + (claim.errcode() == null ? ""
                            : " (errcode " + claim.errcode() + ")"),
                    null);
            case PENDING -> throw new AuthorizationFailedException(null,
                    "the authorization code is still being exchanged elsewhere; try again shortly", null);
            case UNKNOWN -> complete(componentAppid, code, codeHash, hint, claim.claimedAt());
        };
    }

    /** Calls {@code api_query_auth} under a claim this caller holds (PENDING) or completes (UNKNOWN). */
    private AuthorizerRecord queryAuth(String componentAppid, String code, String codeHash, Instant claimedAt,
            String hint) {
        QueryAuthResponse.AuthorizationInfo info;
        try {
            info = api.queryAuth(componentAppid, code).authorizationInfo();
        } catch (WeChatApiException e) {
            if (e.isTransient()) {
                throw unknown(componentAppid, codeHash, e);
            }
            codes.fail(componentAppid, codeHash, e.getErrcode(), clock.instant());
            throw new AuthorizationFailedException(e.getErrcode(), "WeChat refused the authorization code: "
                    + e.getMessage(), e);
        } catch (BackingOffException e) {
            codes.release(componentAppid, codeHash, claimedAt);
            throw new AuthorizationFailedException(null, "The authorization code was not exchanged: "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (!WeChatUnreachableException.mayHaveReached(e)) {
                // The request never left: the code is unused, and the next try may exchange it.
                codes.release(componentAppid, codeHash, claimedAt);
                throw new AuthorizationFailedException(null, "The authorization code could not be exchanged: "
                        + e.getMessage(), e);
            }
            throw unknown(componentAppid, codeHash, e);
        }
        if (info == null || info.authorizerAppid() == null || info.authorizerAppid().isEmpty()) {
            throw unknown(componentAppid, codeHash,
                    new IllegalStateException("api_query_auth answered without authorization_info"));
        }
        Instant now = clock.instant();
        String accessToken = info.authorizerAccessToken();
        Instant expiresAt = accessToken == null || accessToken.isEmpty() || info.expiresIn() <= 0 ? null
                : now.plusSeconds(info.expiresIn());
        Authorization authorization = new Authorization(componentAppid, info.authorizerAppid(),
                expiresAt == null ? null : accessToken, expiresAt, info.authorizerRefreshToken(),
                FuncInfo.ids(info.funcInfo()), now);
        AuthorizerRecord stored = save(authorization, codeHash);
        readAccountFacts(componentAppid, info.authorizerAppid());
        return authorizers.find(componentAppid, info.authorizerAppid()).orElse(stored);
    }

    /**
     * The code may be used up: marks the claim UNKNOWN (a failure to do so leaves it PENDING, which turns UNKNOWN
     * once stale) and tells the caller the authorization is finishing.
     */
    private AuthorizationFailedException unknown(String componentAppid, String codeHash, RuntimeException cause) {
        try {
            codes.markUnknown(componentAppid, codeHash, clock.instant());
        } catch (RuntimeException e) {
            LOG.warn("Could not record the unknown outcome of an authorization code exchange (component {}): {}",
                    componentAppid, e.getMessage());
        }
        LOG.warn("api_query_auth for component {} may have succeeded but its answer was lost ({}); the"
                + " authorization will be completed through the account's appid", componentAppid, cause.getMessage());
        return finishing(cause);
    }

    /**
     * Completes an exchange whose outcome is unknown through the account: {@code api_get_authorizer_info} gives the
     * refresh token once the code was exchanged; while WeChat shows none, the code was not used and is exchanged.
     */
    private AuthorizerRecord complete(String componentAppid, String code, String codeHash, String hint,
            Instant claimedAt) {
        String appid = hint != null ? hint : accountFromList(componentAppid, claimedAt);
        if (appid == null) {
            throw AuthorizationFailedException.outcomeUnknown("The authorization was received and is being finished"
                    + " (the account is not known yet: the authorized push names it)", null);
        }
        AuthorizerInfoResponse info;
        try {
            info = api.authorizerInfo(componentAppid, appid);
        } catch (WeChatApiException e) {
            if (e.getErrcode() != AuthorizerTokenManager.NOT_AUTHORIZED) {
                throw finishing(e);
            }
            info = null;
        } catch (RuntimeException e) {
            throw finishing(e);
        }
        AuthorizerInfoResponse.AuthorizationInfo authorization = info == null ? null : info.authorizationInfo();
        String refreshToken = authorization == null ? null : authorization.authorizerRefreshToken();
        if (refreshToken == null || refreshToken.isEmpty()) {
            LOG.info("WeChat shows no exchanged authorization of {} (component {}): exchanging the code", appid,
                    componentAppid);
            return queryAuth(componentAppid, code, codeHash, claimedAt, hint);
        }
        AuthorizerRecord stored = save(new Authorization(componentAppid, appid, null, null, refreshToken,
                FuncInfo.ids(authorization.funcInfo()), clock.instant()), codeHash);
        if (info.authorizerInfo() != null) {
            authorizers.saveInfo(componentAppid, appid, info.authorizerInfo().toString());
        }
        LOG.info("Completed the authorization of {} (component {}) through api_get_authorizer_info", appid,
                componentAppid);
        return authorizers.find(componentAppid, appid).orElse(stored);
    }

    /**
     * The account a browser-only exchange authorized: the one listed account authorized around the claim whose
     * refresh token we do not hold; null when none or several.
     */
    private String accountFromList(String componentAppid, Instant claimedAt) {
        long since = claimedAt.minus(LIST_WINDOW).getEpochSecond();
        List<String> candidates;
        try {
            candidates = api.listAuthorizers(componentAppid)
                    .filter(item -> item.authTime() >= since && isNewTo(componentAppid, item))
                    .map(AuthorizerListResponse.Item::authorizerAppid).toList();
        } catch (RuntimeException e) {
            throw finishing(e);
        }
        return candidates.size() == 1 ? candidates.get(0) : null;
    }

    private static AuthorizationFailedException finishing(RuntimeException cause) {
        return AuthorizationFailedException.outcomeUnknown("The authorization was received and is being finished: "
                + cause.getMessage(), cause);
    }

    private boolean isNewTo(String componentAppid, AuthorizerListResponse.Item item) {
        Optional<AuthorizerRecord> known = authorizers.find(componentAppid, item.authorizerAppid());
        return known.isEmpty() || known.get().status() != AuthorizerStatus.AUTHORIZED
                || item.refreshToken() == null || item.refreshToken().isEmpty()
                || !item.refreshToken().equals(known.get().refreshToken());
    }

    /** Stores an authorization with the claim's completion and the notice of the change. */
    private AuthorizerRecord save(Authorization authorization, String codeHash) {
        String componentAppid = authorization.componentAppid();
        String appid = authorization.authorizerAppid();
        boolean wasAuthorized;
        AuthorizerRecord stored;
        try {
            wasAuthorized = authorizers.find(componentAppid, appid)
                    .map(r -> r.status() == AuthorizerStatus.AUTHORIZED).orElse(false);
            stored = authorizers.saveAuthorization(authorization, codeHash, new AuthorizationChange(componentAppid,
                    appid,
                    wasAuthorized ? AuthorizationChange.Kind.UPDATEAUTHORIZED : AuthorizationChange.Kind.AUTHORIZED,
                    authorization.authorizedAt(), authorization.funcInfo(), ""));
        } catch (RuntimeException e) {
            // WeChat has authorized the account but the store failed: the claim stays PENDING, turns UNKNOWN once
            // stale, and the push's retry completes it through the account's appid.
            throw AuthorizationFailedException.outcomeUnknown("The authorization was received but could not be"
                    + " stored yet: " + e.getMessage(), e);
        }
        LOG.info("Account {} authorized component {} (func_info {})", appid, componentAppid,
                authorization.funcInfo());
        return stored;
    }

    /**
     * Reads {@code api_get_authorizer_info} and stores the account facts. Failures are logged, not thrown: the
     * authorization itself is already stored.
     */
    public void readAccountFacts(String componentAppid, String authorizerAppid) {
        try {
            AuthorizerInfoResponse info = api.authorizerInfo(componentAppid, authorizerAppid);
            if (info.authorizerInfo() != null) {
                authorizers.saveInfo(componentAppid, authorizerAppid, info.authorizerInfo().toString());
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not read the account facts of {} (component {}): {}", authorizerAppid, componentAppid,
                    e.getMessage());
        }
    }

    private boolean isStale(Claim claim) {
        return claim.claimedAt().plus(staleClaim).isBefore(clock.instant());
    }

    private Claim awaitOther(Claim claim) {
        long deadline = System.nanoTime() + WAIT_FOR_OTHER.toNanos();
        long pause = TimeUnit.MILLISECONDS.toNanos(20);
        Claim current = claim;
        // Another caller holds the claim: poll its outcome (it completes within one api_query_auth call), until its
        // holder is taken for dead.
        while (current.status() == AuthorizationCodeStore.Status.PENDING && !isStale(current)
                && System.nanoTime() < deadline) {
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(500));
            current = codes.find(claim.componentAppid(), claim.codeHash()).orElse(current);
        }
        return current;
    }
}
