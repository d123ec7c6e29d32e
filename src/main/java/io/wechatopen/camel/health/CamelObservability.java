package io.wechatopen.camel.health;

import java.util.Collection;

import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckRepository;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Hooks the bundle into Camel's own health and metrics machinery, in code, so Camel Main and Karaf (which reads no
 * {@code camel.health.*} keys) get the same: our checks plus Camel's {@code context} check and its {@code routes}
 * and {@code consumers} repositories in the context's {@link HealthCheckRegistry}, and Camel's route metrics
 * ({@code camel_exchanges_*}, {@code camel_route_policy_*}) in our meter registry.
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
        Object context = registry.resolveById("context");
        if (context instanceof HealthCheck check) {
            registry.register(check);
        }
        for (String repository : new String[] { "routes", "consumers" }) {
            Object resolved = registry.getRepository(repository).orElse(null);
            if (resolved == null) {
                resolved = registry.resolveById(repository);
            }
            if (resolved instanceof HealthCheckRepository found) {
                registry.register(found);
            }
        }
    }

    /** Adds Camel's Micrometer route policy to every route created from now on. */
    public static void measureRoutes(CamelContext camelContext, MeterRegistry meterRegistry) {
        MicrometerRoutePolicyFactory routeMetrics = new MicrometerRoutePolicyFactory();
        routeMetrics.setCamelContext(camelContext);
        routeMetrics.setMeterRegistry(meterRegistry);
        camelContext.addRoutePolicyFactory(routeMetrics);
    }
}
