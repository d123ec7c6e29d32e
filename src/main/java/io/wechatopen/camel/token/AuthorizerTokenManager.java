package io.wechatopen.camel.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.wechatopen.camel.AuthorizerTokens;
import io.wechatopen.camel.AuthorizerUnavailableException;
import io.wechatopen.camel.AuthorizerUnavailableException.Reason;
import io.wechatopen.camel.api.ComponentApiClient;
import io.wechatopen.camel.api.WeChatApiException;
import io.wechatopen.camel.api.dto.AuthorizerInfoResponse;
import io.wechatopen.camel.api.dto.AuthorizerListResponse;
import io.wechatopen.camel.api.dto.AuthorizerTokenResponse;
import io.wechatopen.camel.config.TokenPolicy;
import io.wechatopen.camel.model.AuthorizationChange;
import io.wechatopen.camel.model.AuthorizerRecord;
import io.wechatopen.camel.model.AuthorizerStatus;
import io.wechatopen.camel.store.AuthorizerStore;

/**
 * Keeps authorizer access tokens valid and hands them out ({@link AuthorizerTokens}). Refreshes are single-flight
 * per component and account and re-read the store after taking the lock. A returned refresh token is stored only
 * when non-empty.
 *
 * <p>WeChat rules applied: 61023 (refresh token refused) starts a recovery ladder — re-read the store (another
 * instance may hold a newer token), then ask {@code api_get_authorizer_info} and {@code api_get_authorizer_list}
 * for the current refresh token — and only when all fail marks the account NEEDS_REAUTHORIZATION, once, so no
 * retry storm follows. 61003 means the account withdrew: UNAUTHORIZED.
 *
 * <p>Thread-safe; never logs or throws token values.
 */
public final class AuthorizerTokenManager implements AuthorizerTokens {

    static final int REFRESH_TOKEN_INVALID = 61023;
    static final int NOT_AUTHORIZED = 61003;
    private static final int LIST_PAGE = 500;
    private static final Logger LOG = LoggerFactory.getLogger(AuthorizerTokenManager.class);

    private final Set<String> componentAppids;
    private final AuthorizerStore store;
    private final ComponentApiClient api;
    private final TokenPolicy policy;
    private final AuthorizationListener listener;
    private final Clock clock;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    public AuthorizerTokenManager(Set<String> componentAppids, AuthorizerStore store, ComponentApiClient api,
            TokenPolicy policy, AuthorizationListener listener, Clock clock) {
        this.componentAppids = Set.copyOf(componentAppids);
        this.store = store;
        this.api = api;
        this.policy = policy;
        this.listener = listener;
        this.clock = clock;
    }

    @Override
    public String accessToken(String authorizerAppid) {
        return accessToken(componentOf(authorizerAppid), authorizerAppid);
    }

    @Override
    public String accessToken(String componentAppid, String authorizerAppid) {
        AuthorizerRecord record = store.find(componentAppid, authorizerAppid)
                .filter(r -> componentAppids.contains(r.componentAppid()))
                .orElseThrow(() -> new AuthorizerUnavailableException(Reason.UNKNOWN, authorizerAppid,
                        "account " + authorizerAppid + " has not authorized component " + componentAppid));
        requireAuthorized(record);
        Optional<String> valid = record.accessTokenValidAt(clock.instant(), policy.refreshSkew());
        if (valid.isPresent()) {
            return valid.get();
        }
        try {
            return refresh(componentAppid, authorizerAppid);
        } catch (AuthorizerUnavailableException e) {
            if (e.getReason() == Reason.UNAVAILABLE) {
                // WeChat is unreachable: a token that has not expired yet is still good.
                Optional<String> unexpired = store.find(componentAppid, authorizerAppid)
                        .flatMap(r -> r.accessTokenValidAt(clock.instant(), Duration.ZERO));
                if (unexpired.isPresent()) {
                    return unexpired.get();
                }
            }
            throw e;
        }
    }

    @Override
    public void reportInvalid(String authorizerAppid, String token) {
        for (AuthorizerRecord record : store.findByAuthorizer(authorizerAppid)) {
            reportInvalid(record.componentAppid(), authorizerAppid, token);
        }
    }

    /** Expires exactly {@code token} of one component's account, so the next request refreshes. */
    public void reportInvalid(String componentAppid, String authorizerAppid, String token) {
        if (store.expireAccessToken(componentAppid, authorizerAppid, token)) {
            LOG.info("Access token of {} (component {}) reported invalid; it will be refreshed", authorizerAppid,
                    componentAppid);
        }
    }

    /** The component an account authorized, when it authorized exactly one (or one still current). */
    public String componentOf(String authorizerAppid) {
        List<AuthorizerRecord> rows = store.findByAuthorizer(authorizerAppid).stream()
                .filter(r -> componentAppids.contains(r.componentAppid())).toList();
        if (rows.isEmpty()) {
            throw new AuthorizerUnavailableException(Reason.UNKNOWN, authorizerAppid,
                    "account " + authorizerAppid + " has not authorized this platform");
        }
        if (rows.size() == 1) {
            return rows.get(0).componentAppid();
        }
        List<AuthorizerRecord> current = rows.stream().filter(r -> r.status() == AuthorizerStatus.AUTHORIZED)
                .toList();
        if (current.size() == 1) {
            return current.get(0).componentAppid();
        }
        throw new AuthorizerUnavailableException(Reason.AMBIGUOUS, authorizerAppid, "account " + authorizerAppid
                + " authorized several components of this deployment; name the component (WeChatComponentAppid)");
    }

    /**
     * The sweep's work for one account: refreshes when its token is missing or within the skew of expiry.
     *
     * @return true when a new token was stored
     * @throws AuthorizerUnavailableException when no token can be had
     */
    public boolean refreshIfDue(String componentAppid, String authorizerAppid) {
        Optional<AuthorizerRecord> record = store.find(componentAppid, authorizerAppid);
        if (record.isEmpty() || record.get().status() != AuthorizerStatus.AUTHORIZED
                || record.get().accessTokenValidAt(clock.instant(), policy.refreshSkew()).isPresent()) {
            return false;
        }
        refresh(componentAppid, authorizerAppid);
        return true;
    }

    /** The accounts of a component whose token needs refreshing now, at most {@code limit}, soonest first. */
    public List<AuthorizerRecord> dueForRefresh(String componentAppid, int limit) {
        return store.findDueForRefresh(componentAppid, clock.instant().plus(policy.refreshSkew()), limit);
    }

    private static void requireAuthorized(AuthorizerRecord record) {
        switch (record.status()) {
            case UNAUTHORIZED -> throw new AuthorizerUnavailableException(Reason.UNAUTHORIZED,
                    record.authorizerAppid(), "account " + record.authorizerAppid() + " withdrew its authorization");
            case NEEDS_REAUTHORIZATION -> throw new AuthorizerUnavailableException(Reason.NEEDS_REAUTHORIZATION,
                    record.authorizerAppid(), "account " + record.authorizerAppid()
                            + " must authorize again: WeChat refused its refresh token (61023)");
            default -> {
            }
        }
    }

    private String refresh(String componentAppid, String authorizerAppid) {
        ReentrantLock lock = locks.computeIfAbsent(componentAppid + "/" + authorizerAppid, k -> new ReentrantLock());
        lock.lock();
        try {
            // Another caller or instance may have refreshed while we waited.
            AuthorizerRecord record = store.find(componentAppid, authorizerAppid).orElseThrow(
                    () -> new AuthorizerUnavailableException(Reason.UNKNOWN, authorizerAppid,
                            "account " + authorizerAppid + " is no longer stored"));
            requireAuthorized(record);
            Optional<String> valid = record.accessTokenValidAt(clock.instant(), policy.refreshSkew());
            if (valid.isPresent()) {
                return valid.get();
            }
            return refreshWithLadder(record);
        } finally {
            lock.unlock();
        }
    }

    private String refreshWithLadder(AuthorizerRecord record) {
        String componentAppid = record.componentAppid();
        String authorizerAppid = record.authorizerAppid();
        String used = record.refreshToken();
        if (record.hasRefreshToken()) {
            Optional<String> token = tryRefresh(record, used);
            if (token.isPresent()) {
                return token.get();
            }
        }
        // 61023 (or no refresh token at all): recover the current refresh token before giving up.
        String fromStore = store.find(componentAppid, authorizerAppid).map(AuthorizerRecord::refreshToken)
                .orElse(null);
        if (isNew(fromStore, used)) {
            Optional<String> token = tryRefresh(record, fromStore);
            if (token.isPresent()) {
                return token.get();
            }
            used = fromStore;
        }
        String fromInfo = refreshTokenFromInfo(record);
        if (isNew(fromInfo, used)) {
            store.restoreRefreshToken(componentAppid, authorizerAppid, fromInfo, clock.instant());
            Optional<String> token = tryRefresh(record, fromInfo);
            if (token.isPresent()) {
                return token.get();
            }
            used = fromInfo;
        }
        String fromList = refreshTokenFromList(record);
        if (isNew(fromList, used)) {
            store.restoreRefreshToken(componentAppid, authorizerAppid, fromList, clock.instant());
            Optional<String> token = tryRefresh(record, fromList);
            if (token.isPresent()) {
                return token.get();
            }
        }
        Instant now = clock.instant();
        if (store.markNeedsReauthorization(componentAppid, authorizerAppid, now)) {
            LOG.warn("Account {} (component {}) needs re-authorization: WeChat refused its refresh token (61023)"
                    + " and neither api_get_authorizer_info nor api_get_authorizer_list gave a usable one",
                    authorizerAppid, componentAppid);
            listener.changed(new AuthorizationChange(componentAppid, authorizerAppid,
                    AuthorizationChange.Kind.NEEDS_REAUTHORIZATION, now, record.funcInfo(),
                    "61023 refresh_token is invalid; recovery found no usable refresh token"));
        }
        throw new AuthorizerUnavailableException(Reason.NEEDS_REAUTHORIZATION, authorizerAppid, "account "
                + authorizerAppid + " must authorize again: WeChat refused its refresh token (61023)");
    }

    private static boolean isNew(String candidate, String used) {
        return candidate != null && !candidate.isEmpty() && !candidate.equals(used);
    }

    /** @return the new token, or empty when WeChat answered 61023 */
    private Optional<String> tryRefresh(AuthorizerRecord record, String refreshToken) {
        AuthorizerTokenResponse response;
        try {
            response = api.authorizerToken(record.componentAppid(), record.authorizerAppid(), refreshToken);
        } catch (WeChatApiException e) {
            if (e.getErrcode() == REFRESH_TOKEN_INVALID) {
                return Optional.empty();
            }
            if (e.getErrcode() == NOT_AUTHORIZED) {
                throw withdrawn(record, e);
            }
            throw new AuthorizerUnavailableException(Reason.UNAVAILABLE, record.authorizerAppid(),
                    "api_authorizer_token for " + record.authorizerAppid() + " failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new AuthorizerUnavailableException(Reason.UNAVAILABLE, record.authorizerAppid(),
                    "api_authorizer_token for " + record.authorizerAppid() + " failed: " + e.getMessage(), e);
        }
        if (response.authorizerAccessToken() == null || response.authorizerAccessToken().isEmpty()
                || response.expiresIn() <= 0) {
            throw new AuthorizerUnavailableException(Reason.UNAVAILABLE, record.authorizerAppid(),
                    "api_authorizer_token answered without authorizer_access_token or expires_in");
        }
        Instant expiresAt = clock.instant().plusSeconds(response.expiresIn());
        // WeChat may omit or blank the refresh token: the stored one is then kept (the store never blanks it).
        String returnedRefresh = isNew(response.authorizerRefreshToken(), null) ? response.authorizerRefreshToken()
                : refreshToken;
        if (store.saveRefreshedToken(record.componentAppid(), record.authorizerAppid(),
                response.authorizerAccessToken(), expiresAt, returnedRefresh)) {
            return Optional.of(response.authorizerAccessToken());
        }
        // Not stored: another instance stored a later token, or the status changed meanwhile.
        AuthorizerRecord current = store.find(record.componentAppid(), record.authorizerAppid()).orElseThrow(
                () -> new AuthorizerUnavailableException(Reason.UNKNOWN, record.authorizerAppid(),
                        "account " + record.authorizerAppid() + " is no longer stored"));
        requireAuthorized(current);
        return Optional.of(current.accessTokenValidAt(clock.instant(), Duration.ZERO)
                .orElse(response.authorizerAccessToken()));
    }

    private String refreshTokenFromInfo(AuthorizerRecord record) {
        try {
            AuthorizerInfoResponse info = api.authorizerInfo(record.componentAppid(), record.authorizerAppid());
            return info.authorizationInfo() == null ? null : info.authorizationInfo().authorizerRefreshToken();
        } catch (WeChatApiException e) {
            if (e.getErrcode() == NOT_AUTHORIZED) {
                throw withdrawn(record, e);
            }
            LOG.warn("Recovery of the refresh token of {} via api_get_authorizer_info failed: {}",
                    record.authorizerAppid(), e.getMessage());
            return null;
        } catch (RuntimeException e) {
            LOG.warn("Recovery of the refresh token of {} via api_get_authorizer_info failed: {}",
                    record.authorizerAppid(), e.getMessage());
            return null;
        }
    }

    private String refreshTokenFromList(AuthorizerRecord record) {
        try {
            for (int offset = 0;; offset += LIST_PAGE) {
                AuthorizerListResponse page = api.authorizerList(record.componentAppid(), offset, LIST_PAGE);
                if (page.list() == null || page.list().isEmpty()) {
                    return null;
                }
                for (AuthorizerListResponse.Item item : page.list()) {
                    if (record.authorizerAppid().equals(item.authorizerAppid())) {
                        return item.refreshToken();
                    }
                }
                if (offset + page.list().size() >= page.totalCount()) {
                    return null;
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Recovery of the refresh token of {} via api_get_authorizer_list failed: {}",
                    record.authorizerAppid(), e.getMessage());
            return null;
        }
    }

    private AuthorizerUnavailableException withdrawn(AuthorizerRecord record, WeChatApiException cause) {
        Instant now = clock.instant();
        if (store.markUnauthorized(record.componentAppid(), record.authorizerAppid(), now)) {
            LOG.warn("Account {} (component {}) withdrew its authorization (61003)", record.authorizerAppid(),
                    record.componentAppid());
            listener.changed(new AuthorizationChange(record.componentAppid(), record.authorizerAppid(),
                    AuthorizationChange.Kind.UNAUTHORIZED, now, List.of(),
                    "61003 component is not authorized by this account"));
        }
        return new AuthorizerUnavailableException(Reason.UNAUTHORIZED, record.authorizerAppid(),
                "account " + record.authorizerAppid() + " withdrew its authorization (61003)", cause);
    }
}
