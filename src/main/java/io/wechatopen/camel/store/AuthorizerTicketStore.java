package io.wechatopen.camel.store;

import java.time.Instant;
import java.util.Optional;

import io.wechatopen.camel.model.AuthorizerTicket;

/**
 * The tickets of authorized accounts ({@code jsapi_ticket}), one per component, account and type, plus the lease
 * that lets one instance of a cluster fetch a new one while the others wait for it. Every write is one transaction
 * and scoped by component appid; writes under a lease are compare-and-set on its holder.
 */
public interface AuthorizerTicketStore {

    /** The stored ticket, if one was stored (expired or not). */
    Optional<AuthorizerTicket> find(String componentAppid, String authorizerAppid, String type);

    /**
     * Takes the lease of the ticket for {@code holder} until {@code until}, when no other holder has it or its lease
     * ended before {@code now}; creates the row (without a ticket) when there is none.
     *
     * @return whether {@code holder} holds the lease now
     */
    boolean tryLease(String componentAppid, String authorizerAppid, String type, String holder, Instant now,
            Instant until);

    /**
     * Stores a new ticket and releases the lease, only while {@code holder} still holds it.
     *
     * @return false (nothing written) when the lease was lost: another instance took over after it ended
     */
    boolean saveUnderLease(AuthorizerTicket ticket, String holder);

    /** Releases the lease when {@code holder} holds it; a no-op otherwise. */
    void releaseLease(String componentAppid, String authorizerAppid, String type, String holder);

    /**
     * Forgets every ticket of an account of a component (it withdrew its authorization).
     *
     * @return how many rows were deleted
     */
    int deleteAll(String componentAppid, String authorizerAppid);
}
