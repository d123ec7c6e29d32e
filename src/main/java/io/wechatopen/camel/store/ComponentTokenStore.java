package io.wechatopen.camel.store;

import java.util.Optional;

import io.wechatopen.camel.model.ComponentAccessToken;

/** Persists the {@code component_access_token} of each component (encrypted at rest). */
public interface ComponentTokenStore {

    /**
     * @return the stored token, or empty when none was ever obtained
     * @throws StoreException when the database cannot be read
     */
    Optional<ComponentAccessToken> findToken(String componentAppid);

    /**
     * Stores {@code token} unless the store already holds one that expires later (another instance may have
     * refreshed meanwhile), in one transaction.
     *
     * @return true when {@code token} is now the stored one
     * @throws StoreException when the database cannot be written; nothing is changed then
     */
    boolean saveToken(ComponentAccessToken token);
}
