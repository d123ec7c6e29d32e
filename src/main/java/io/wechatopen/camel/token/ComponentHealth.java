package io.wechatopen.camel.token;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.wechatopen.camel.model.ComponentObservation;
import io.wechatopen.camel.store.ComponentHealthStore;
import io.wechatopen.camel.store.ComponentHealthStore.Outcome;

/**
 * The last success and the last failure of each component's token upkeep, for the admin status and health checks.
 * Backed by a {@link ComponentHealthStore} (the database: every instance on it shows the same), or kept in memory by
 * the no-argument constructor. Recording never throws: a store failure is logged, since it happens on the path of
 * the upkeep itself. Thread-safe.
 */
public final class ComponentHealth {

    private static final Logger LOG = LoggerFactory.getLogger(ComponentHealth.class);

    private final ComponentHealthStore store;

    /** Kept in memory: this instance's own view. */
    public ComponentHealth() {
        this(new InMemory());
    }

    /** @param store where the observations are kept and read back */
    public ComponentHealth(ComponentHealthStore store) {
        this.store = store;
    }

    public void recordSuccess(String componentAppid, Instant at, String operation, String message) {
        save(componentAppid, Outcome.SUCCESS, new ComponentObservation(at, operation, null, message));
    }

    public void recordFailure(String componentAppid, Instant at, String operation, Integer errcode, String message) {
        save(componentAppid, Outcome.ERROR, new ComponentObservation(at, operation, errcode, message));
    }

    /**
     * @return the last success, or empty
     * @throws io.wechatopen.camel.store.StoreException when the database cannot be read
     */
    public Optional<ComponentObservation> lastSuccess(String componentAppid) {
        return store.find(componentAppid, Outcome.SUCCESS);
    }

    /**
     * @return the last failure, or empty
     * @throws io.wechatopen.camel.store.StoreException when the database cannot be read
     */
    public Optional<ComponentObservation> lastFailure(String componentAppid) {
        return store.find(componentAppid, Outcome.ERROR);
    }

    private void save(String componentAppid, Outcome outcome, ComponentObservation observation) {
        try {
            store.save(componentAppid, outcome, observation);
        } catch (RuntimeException e) {
            LOG.warn("Could not record the {} of {} for component {}: {}", outcome.name().toLowerCase(),
                    observation.operation(), componentAppid, e.getMessage());
        }
    }

    private static final class InMemory implements ComponentHealthStore {

        private final Map<String, ComponentObservation> observations = new ConcurrentHashMap<>();

        @Override
        public void save(String componentAppid, Outcome outcome, ComponentObservation observation) {
            observations.merge(componentAppid + "/" + outcome, observation,
                    (stored, given) -> given.at().isBefore(stored.at()) ? stored : given);
        }

        @Override
        public Optional<ComponentObservation> find(String componentAppid, Outcome outcome) {
            return Optional.ofNullable(observations.get(componentAppid + "/" + outcome));
        }
    }
}
