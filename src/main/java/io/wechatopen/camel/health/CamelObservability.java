package io.wechatopen.camel.health;

import java.util.Collection;
import java.util.Optional;

import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckRepository;
import org.apache.camel.impl.health.ContextHealthCheck;
import org.apache.camel.impl.health.RoutesHealthCheckRepository;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Hooks the bundle into Camel's own health and metrics machinery, in code, so Camel Main and Karaf (which reads no
 * {@code camel.health.*} keys) get the same: our checks plus Camel's {@code context} check and its {@code routes}
 * repository (DOWN for a route that is not started) in the context's {@link HealthCheckRegistry}, and Camel's route
 * metrics ({@code camel_exchanges_*}, {@code camel_route_policy_*}) in our meter registry.
 */
public final class CamelObservability {

    private CamelObservability() {
    }

    /**
     * Registers {@code checks} and Camel's own checks.
     *
     * @throws IllegalStateException when the context has no health-check registry (camel-health is missing)
     */
    public static void registerHealthChecks(CamelContext camelContext, Collection<? extends HealthCheck> checks) {
        HealthCheckRegistry registry = HealthCheckRegistry.get(camelContext);
        if (registry == null) {
            throw new IllegalStateException("No Camel health-check registry: camel-health must be on the classpath");
        }
        checks.forEach(registry::register);
        // Resolved by id where Camel finds them (Camel Main); created directly where its service lookup does not
        // (the OSGi factory finder in Karaf).
        registry.register(registry.resolveById("context") instanceof HealthCheck check ? check
                : new ContextHealthCheck());
        registry.register(repository(registry, "routes").orElseGet(RoutesHealthCheckRepository::new));
        // Camel Main also registers the "consumers" repository: none of our consumers polls, so it would only repeat
        // each route's check.
        repository(registry, "consumers").ifPresent(repository -> {
            repository.setEnabled(false);
            registry.register(repository);
        });
    }

    private static Optional<HealthCheckRepository> repository(HealthCheckRegistry registry, String id) {
        Optional<HealthCheckRepository> registered = registry.getRepository(id);
        if (registered.isPresent()) {
            return registered;
        }
        return registry.resolveById(id) instanceof HealthCheckRepository resolved ? Optional.of(resolved)
                : Optional.empty();
    }

    /** Adds Camel's Micrometer route policy to every route created from now on. */
    public static void measureRoutes(CamelContext camelContext, MeterRegistry meterRegistry) {
        MicrometerRoutePolicyFactory routeMetrics = new MicrometerRoutePolicyFactory();
        routeMetrics.setCamelContext(camelContext);
        routeMetrics.setMeterRegistry(meterRegistry);
        camelContext.addRoutePolicyFactory(routeMetrics);
    }
}
