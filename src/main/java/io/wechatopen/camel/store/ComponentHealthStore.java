package io.wechatopen.camel.store;

import java.util.Optional;

import io.wechatopen.camel.model.ComponentObservation;

/**
 * The last success and the last failure of each component's token upkeep ({@code wechat_component_health}), shared
 * by the instances on one database. A later observation replaces an earlier one, never the reverse.
 */
public interface ComponentHealthStore {

    /** Which of the two an observation is. */
    enum Outcome {
        SUCCESS, ERROR
    }

    /**
     * Stores {@code observation} as the component's last {@code outcome} unless a later one is stored.
     *
     * @throws StoreException when the database cannot be written
     */
    void save(String componentAppid, Outcome outcome, ComponentObservation observation);

    /**
     * @return the component's last {@code outcome}, or empty when none was stored
     * @throws StoreException when the database cannot be read
     */
    Optional<ComponentObservation> find(String componentAppid, Outcome outcome);
}
