package io.wechatopen.camel.store;

import java.util.Optional;

import io.wechatopen.camel.model.ComponentVerifyTicket;

/** Reads the latest {@code component_verify_ticket} of a component. Tickets are written by {@link PushStore}. */
public interface TicketStore {

    /**
     * @return the newest ticket by {@code CreateTime}, or empty when none was ever received
     * @throws StoreException when the database cannot be read
     */
    Optional<ComponentVerifyTicket> findTicket(String componentAppid);
}
