package io.wechatopen.camel.token;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.wechatopen.camel.model.ComponentAccessToken;
import io.wechatopen.camel.model.ComponentVerifyTicket;
import io.wechatopen.camel.store.ComponentTokenStore;
import io.wechatopen.camel.store.TicketStore;

/** In-memory twins of the ticket and component token stores, with the same keep-the-later rule as the JDBC ones. */
final class InMemoryComponentStores implements TicketStore, ComponentTokenStore {

    private final Map<String, ComponentVerifyTicket> tickets = new ConcurrentHashMap<>();
    private final Map<String, ComponentAccessToken> tokens = new ConcurrentHashMap<>();

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
}
