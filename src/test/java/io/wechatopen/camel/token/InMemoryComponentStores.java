package io.wechatopen.camel.token;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.wechatopen.camel.model.ComponentAccessToken;
import io.wechatopen.camel.model.ComponentVerifyTicket;
import io.wechatopen.camel.store.ComponentTokenStore;
import io.wechatopen.camel.store.TicketStore;

/** In-memory twins of the ticket and component token stores, with the same rules as the JDBC ones. */
final class InMemoryComponentStores implements TicketStore, ComponentTokenStore {

    private final Map<String, ComponentVerifyTicket> tickets = new ConcurrentHashMap<>();
    private final Map<String, ComponentAccessToken> tokens = new ConcurrentHashMap<>();
    /** Per component, the lease holder and deadline; guarded by this. */
    private final Map<String, Map.Entry<String, Instant>> leases = new HashMap<>();

    void putTicket(ComponentVerifyTicket ticket) {
        tickets.put(ticket.componentAppid(), ticket);
    }

    @Override
    public Optional<ComponentVerifyTicket> findTicket(String componentAppid) {
        return Optional.ofNullable(tickets.get(componentAppid));
    }

    @Override
    public Optional<ComponentAccessToken> findToken(String componentAppid) {
        return Optional.ofNullable(tokens.get(componentAppid));
    }

    @Override
    public boolean saveToken(ComponentAccessToken token) {
        ComponentAccessToken result = tokens.merge(token.componentAppid(), token,
                (old, candidate) -> old.expiresAt().isAfter(candidate.expiresAt()) ? old : candidate);
        return result == token;
    }

    @Override
    public synchronized boolean tryLease(String componentAppid, String holder, Instant now, Instant until) {
        Map.Entry<String, Instant> lease = leases.get(componentAppid);
        if (lease != null && !lease.getKey().equals(holder) && !lease.getValue().isBefore(now)) {
            return false;
        }
        leases.put(componentAppid, Map.entry(holder, until));
        return true;
    }

    @Override
    public synchronized boolean saveLeasedToken(ComponentAccessToken token, String holder) {
        Map.Entry<String, Instant> lease = leases.get(token.componentAppid());
        if (lease == null || !lease.getKey().equals(holder)) {
            return false;
        }
        tokens.put(token.componentAppid(), token);
        leases.remove(token.componentAppid());
        return true;
    }

    @Override
    public synchronized void releaseLease(String componentAppid, String holder) {
        Map.Entry<String, Instant> lease = leases.get(componentAppid);
        if (lease != null && lease.getKey().equals(holder)) {
            leases.remove(componentAppid);
        }
    }

    @Override
    public synchronized boolean expireToken(String componentAppid, String token, Instant at) {
        ComponentAccessToken stored = tokens.get(componentAppid);
        if (stored == null || !stored.token().equals(token) || !stored.expiresAt().isAfter(at)) {
            return false;
        }
        tokens.put(componentAppid, new ComponentAccessToken(componentAppid, token, stored.obtainedAt(), at));
        return true;
    }
}
