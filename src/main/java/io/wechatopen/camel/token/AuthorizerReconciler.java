package io.wechatopen.camel.token;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.wechatopen.camel.api.ComponentApiClient;
import io.wechatopen.camel.api.dto.AuthorizerInfoResponse;
import io.wechatopen.camel.api.dto.AuthorizerListResponse;
import io.wechatopen.camel.api.dto.FuncInfo;
import io.wechatopen.camel.model.Authorization;
import io.wechatopen.camel.model.AuthorizationChange;
import io.wechatopen.camel.model.AuthorizerRecord;
import io.wechatopen.camel.model.AuthorizerStatus;
import io.wechatopen.camel.store.AuthorizerStore;

/**
 * Compares the store with WeChat's {@code api_get_authorizer_list}: accounts WeChat lists that we miss are added
 * with their refresh token, their func_info and account facts from {@code api_get_authorizer_info} and WeChat's
 * auth_time as their authorization time; a refresh token that differs from ours (or revives an
 * account that needed re-authorization) is recovered; accounts we hold as AUTHORIZED that WeChat does not list
 * are reported as drift (not changed: the list may lag behind a fresh authorization).
 */
public final class AuthorizerReconciler {

    private static final Logger LOG = LoggerFactory.getLogger(AuthorizerReconciler.class);

    /**
     * @param listed accounts WeChat listed
     * @param added accounts added to the store
     * @param recovered accounts whose refresh token was recovered
     * @param drift AUTHORIZED accounts WeChat did not list
     * @param at when the reconciliation ran
     */
    public record Result(int listed, List<String> added, List<String> recovered, List<String> drift, Instant at) {
    }

    private final ComponentApiClient api;
    private final AuthorizerStore store;
    private final AuthorizationExchanger exchanger;
    private final Clock clock;
    private final java.util.Map<String, Result> last = new java.util.concurrent.ConcurrentHashMap<>();

    public AuthorizerReconciler(ComponentApiClient api, AuthorizerStore store, AuthorizationExchanger exchanger,
            Clock clock) {
        this.api = api;
        this.store = store;
        this.exchanger = exchanger;
        this.clock = clock;
    }

    /** Runs one reconciliation of a component. */
    public Result reconcile(String componentAppid) {
        List<String> added = new ArrayList<>();
        List<String> recovered = new ArrayList<>();
        // Only the appids are kept: pages of the list and of the store are read as they are compared.
        Set<String> listed = new HashSet<>();
        for (Iterator<AuthorizerListResponse.Item> items = api.listAuthorizers(componentAppid).iterator(); items
                .hasNext();) {
            AuthorizerListResponse.Item item = items.next();
            listed.add(item.authorizerAppid());
            String token = item.refreshToken();
            if (token == null || token.isEmpty()) {
                // Not exchanged yet: the callback or the authorized push will do it.
                continue;
            }
            Optional<AuthorizerRecord> known = store.find(componentAppid, item.authorizerAppid());
            if (known.isPresent() && token.equals(known.get().refreshToken())
                    && known.get().status() == AuthorizerStatus.AUTHORIZED) {
                continue;
            }
            // WeChat's auth_time orders this against a withdrawal we may have stored.
            Instant authorizedAt = Instant.ofEpochSecond(item.authTime());
            if (known.isEmpty()) {
                if (add(componentAppid, item, authorizedAt)) {
                    added.add(item.authorizerAppid());
                }
            } else if (store.restoreRefreshToken(componentAppid, item.authorizerAppid(), token, authorizedAt,
                    new AuthorizationChange(componentAppid, item.authorizerAppid(),
                            AuthorizationChange.Kind.RECOVERED, clock.instant(), known.get().funcInfo(),
                            "refresh token recovered from api_get_authorizer_list"))) {
                recovered.add(item.authorizerAppid());
                exchanger.readAccountFacts(componentAppid, item.authorizerAppid());
            }
        }
        List<String> drift = store.streamAll(componentAppid)
                .filter(r -> r.status() == AuthorizerStatus.AUTHORIZED && !listed.contains(r.authorizerAppid()))
                .map(AuthorizerRecord::authorizerAppid).toList();
        if (!drift.isEmpty()) {
            LOG.warn("Component {}: {} account(s) stored as AUTHORIZED are not in api_get_authorizer_list: {}",
                    componentAppid, drift.size(), drift.size() > 20 ? drift.subList(0, 20) + "..." : drift);
        }
        Result result = new Result(listed.size(), added, recovered, drift, clock.instant());
        last.put(componentAppid, result);
        LOG.info("Reconciled component {}: {} listed, {} added, {} recovered, {} drift", componentAppid,
                listed.size(), added.size(), recovered.size(), drift.size());
        return result;
    }

    /**
     * Adds an account WeChat lists and we miss, with func_info and facts from {@code api_get_authorizer_info};
     * when that call fails the account is left for the next reconciliation (or its push) rather than stored
     * without them.
     */
    private boolean add(String componentAppid, AuthorizerListResponse.Item item, Instant authorizedAt) {
        AuthorizerInfoResponse info;
        try {
            info = api.authorizerInfo(componentAppid, item.authorizerAppid());
        } catch (RuntimeException e) {
            LOG.warn("Account {} is listed but api_get_authorizer_info failed: {}; it is added on the next run",
                    item.authorizerAppid(), e.getMessage());
            return false;
        }
        AuthorizerInfoResponse.AuthorizationInfo authorization = info.authorizationInfo();
        String refreshToken = authorization != null && authorization.authorizerRefreshToken() != null
                && !authorization.authorizerRefreshToken().isEmpty() ? authorization.authorizerRefreshToken()
                        : item.refreshToken();
        List<Integer> funcInfo = authorization == null ? List.of() : FuncInfo.ids(authorization.funcInfo());
        AuthorizerRecord stored = store.saveAuthorization(new Authorization(componentAppid, item.authorizerAppid(),
                null, null, refreshToken, funcInfo, authorizedAt), null,
                new AuthorizationChange(componentAppid, item.authorizerAppid(), AuthorizationChange.Kind.RECOVERED,
                        clock.instant(), funcInfo, "authorization found in api_get_authorizer_list"));
        if (stored.status() != AuthorizerStatus.AUTHORIZED) {
            return false;
        }
        if (info.authorizerInfo() != null) {
            store.saveInfo(componentAppid, item.authorizerAppid(), info.authorizerInfo().toString());
        }
        return true;
    }

    /** The last reconciliation of a component on this instance, if any. */
    public Optional<Result> last(String componentAppid) {
        return Optional.ofNullable(last.get(componentAppid));
    }
}
