package io.wechatopen.camel.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
import io.wechatopen.camel.api.dto.AuthorizerInfoResponse;
import io.wechatopen.camel.api.dto.FuncInfo;
import io.wechatopen.camel.api.dto.QueryAuthResponse;
import io.wechatopen.camel.model.Authorization;
import io.wechatopen.camel.model.AuthorizationChange;
import io.wechatopen.camel.model.AuthorizerRecord;
import io.wechatopen.camel.model.AuthorizerStatus;
import io.wechatopen.camel.store.AuthorizationCodeStore;
import io.wechatopen.camel.store.AuthorizerStore;

/**
 * Exchanges authorization codes with {@code api_query_auth} exactly once per code, whether the browser callback or
 * the {@code authorized} push comes first, on this instance or another: callers of the same code in this JVM share
 * one exchange, and a claim row in the database elects one exchanger across instances; the others wait for its
 * result. The authorization is stored in one transaction with the claim's completion. Afterwards the account facts
 * are read ({@code api_get_authorizer_info}) and the change is published.
 *
 * <p>Thread-safe; never logs or throws codes or tokens.
 */
public final class AuthorizationExchanger {

    /** A claim whose holder has not finished in this time is taken over (its holder died). */
    static final Duration STALE_CLAIM = Duration.ofMinutes(2);
    private static final Duration WAIT_FOR_OTHER = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(AuthorizationExchanger.class);

    private final ComponentApiClient api;
    private final AuthorizerStore authorizers;
    private final AuthorizationCodeStore codes;
    private final AuthorizationListener listener;
    private final Clock clock;
    private final Map<String, CompletableFuture<AuthorizerRecord>> inFlight = new ConcurrentHashMap<>();

    public AuthorizationExchanger(ComponentApiClient api, AuthorizerStore authorizers, AuthorizationCodeStore codes,
            AuthorizationListener listener, Clock clock) {
        this.api = api;
        this.authorizers = authorizers;
        this.codes = codes;
        this.listener = listener;
        this.clock = clock;
    }

    /**
     * The authorization of a code: exchanged now, or the result of the exchange that already happened.
     *
     * @throws AuthorizationFailedException when WeChat refused the code (61009, 61010, ...) or could not be reached
     */
    public AuthorizerRecord exchange(String componentAppid, String authorizationCode) {
        String codeHash = Hashes.sha256Hex(componentAppid, authorizationCode);
        CompletableFuture<AuthorizerRecord> mine = new CompletableFuture<>();
        CompletableFuture<AuthorizerRecord> running = inFlight.putIfAbsent(codeHash, mine);
        if (running != null) {
            return join(running);
        }
        try {
            mine.complete(exchangeOnce(componentAppid, authorizationCode, codeHash));
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

    private AuthorizerRecord exchangeOnce(String componentAppid, String code, String codeHash) {
        Optional<AuthorizationCodeStore.Claim> existing = codes.claim(componentAppid, codeHash, clock.instant(),
                STALE_CLAIM);
        if (existing.isPresent()) {
            return resultOf(awaitOther(existing.get()));
        }
        QueryAuthResponse.AuthorizationInfo info;
        try {
            QueryAuthResponse response = api.queryAuth(componentAppid, code);
            info = response.authorizationInfo();
            if (info == null || info.authorizerAppid() == null || info.authorizerAppid().isEmpty()) {
                throw new IllegalStateException("api_query_auth answered without authorization_info");
            }
        } catch (WeChatApiException e) {
            codes.fail(componentAppid, codeHash, e.getErrcode(), clock.instant());
            throw new AuthorizationFailedException(e.getErrcode(), "WeChat refused the authorization code: "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            codes.fail(componentAppid, codeHash, null, clock.instant());
            throw new AuthorizationFailedException(null, "The authorization code could not be exchanged: "
                    + e.getMessage(), e);
        }
        Instant now = clock.instant();
        boolean wasAuthorized = authorizers.find(componentAppid, info.authorizerAppid())
                .map(r -> r.status() == AuthorizerStatus.AUTHORIZED).orElse(false);
        String accessToken = info.authorizerAccessToken();
        Instant expiresAt = accessToken == null || accessToken.isEmpty() || info.expiresIn() <= 0 ? null
                : now.plusSeconds(info.expiresIn());
        Authorization authorization = new Authorization(componentAppid, info.authorizerAppid(),
                expiresAt == null ? null : accessToken, expiresAt, info.authorizerRefreshToken(),
                FuncInfo.ids(info.funcInfo()), now);
        AuthorizerRecord stored = authorizers.saveAuthorization(authorization, codeHash);
        LOG.info("Account {} authorized component {} (func_info {})", info.authorizerAppid(), componentAppid,
                authorization.funcInfo());
        readAccountFacts(componentAppid, info.authorizerAppid());
        listener.changed(new AuthorizationChange(componentAppid, info.authorizerAppid(),
                wasAuthorized ? AuthorizationChange.Kind.UPDATEAUTHORIZED : AuthorizationChange.Kind.AUTHORIZED, now,
                authorization.funcInfo(), ""));
        return authorizers.find(componentAppid, info.authorizerAppid()).orElse(stored);
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

    private AuthorizationCodeStore.Claim awaitOther(AuthorizationCodeStore.Claim claim) {
        long deadline = System.nanoTime() + WAIT_FOR_OTHER.toNanos();
        long pause = TimeUnit.MILLISECONDS.toNanos(20);
        AuthorizationCodeStore.Claim current = claim;
        // Another instance holds the claim: poll its outcome (it completes within one api_query_auth call).
        while (current.status() == AuthorizationCodeStore.Status.PENDING && System.nanoTime() < deadline) {
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(500));
            current = codes.find(claim.componentAppid(), claim.codeHash()).orElse(current);
        }
        return current;
    }

    private AuthorizerRecord resultOf(AuthorizationCodeStore.Claim claim) {
        return switch (claim.status()) {
            case DONE -> authorizers.find(claim.componentAppid(), claim.authorizerAppid()).orElseThrow(
                    () -> new AuthorizationFailedException(null, "the authorization was exchanged but is not stored",
                            null));
            case FAILED -> throw new AuthorizationFailedException(claim.errcode(),
                    "WeChat refused the authorization code" + (claim.errcode() == null ? ""
                            : " (errcode " + claim.errcode() + ")"), null);
            case PENDING -> throw new AuthorizationFailedException(null,
                    "the authorization code is still being exchanged elsewhere; try again shortly", null);
        };
    }
}
