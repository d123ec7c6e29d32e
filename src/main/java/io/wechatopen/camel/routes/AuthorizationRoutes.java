package io.wechatopen.camel.routes;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;

import org.apache.camel.LoggingLevel;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.PredicateBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.processor.ThrottlerRejectedExecutionException;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;

import io.wechatopen.camel.config.AuthorizeSettings;
import io.wechatopen.camel.model.AuthorizerRecord;
import io.wechatopen.camel.token.AuthorizationEventProcessor;
import io.wechatopen.camel.token.AuthorizerReconciler;
import io.wechatopen.camel.token.AuthorizerTokenManager;
import io.wechatopen.camel.token.SweepGuard;
import io.wechatopen.camel.token.SweepPipeline;
import io.wechatopen.camel.web.AuthorizationPages;

/**
 * The authorization flow and the authorizer upkeep behind the YAML triggers:
 * <ul>
 * <li>{@code direct:wechat-authorize-page-render}, {@code direct:wechat-preauth-code-create},
 * {@code direct:wechat-authorization-exchange}: the entry page, the start (302 to WeChat) and the callback; in, the
 * HTTP request; out, the HTML reply.</li>
 * <li>{@code seda:wechat-authorization-event-handle}: processes the stored authorization pushes of every
 * component (one consumer; safe alongside other instances).</li>
 * <li>{@code direct:wechat-authorizer-token-refresh-due}: refreshes every authorizer token within the skew of
 * expiry, {@code wechat.authorizer.refresh-concurrency} at a time (each claimed in the database as a slot frees, so
 * safe alongside other instances) under a rate limit; skipped while the previous sweep runs, and bounded in
 * time.</li>
 * <li>{@code direct:wechat-authorizer-list-reconcile}: deletes expired authorization states, then compares the
 * store with {@code api_get_authorizer_list}.</li>
 * </ul>
 */
public final class AuthorizationRoutes extends RouteBuilder {

    private static final int PAGE_THREADS = 20;
    private static final int PAGE_QUEUE = 200;

    private final AuthorizationPages pages;
    private final AuthorizationEventProcessor events;
    private final AuthorizerTokenManager tokens;
    private final AuthorizerReconciler reconciler;
    private final Set<String> componentAppids;
    private final AuthorizeSettings settings;
    private final SweepGuard sweep;
    private final SweepGuard reconciliation;
    private final boolean refreshSweep;

    public AuthorizationRoutes(AuthorizationPages pages, AuthorizationEventProcessor events,
            AuthorizerTokenManager tokens, AuthorizerReconciler reconciler, Set<String> componentAppids,
            AuthorizeSettings settings, Clock clock) {
        this(pages, events, tokens, reconciler, componentAppids, settings, clock, true);
    }

    /**
     * @param refreshSweep false in relay mode ({@code wechat.component.token-source = relay}): the owner instance
     *        refreshes the authorizer tokens, so {@code direct:wechat-authorizer-token-refresh-due} does nothing and
     *        no sweep runs here
     */
    public AuthorizationRoutes(AuthorizationPages pages, AuthorizationEventProcessor events,
            AuthorizerTokenManager tokens, AuthorizerReconciler reconciler, Set<String> componentAppids,
            AuthorizeSettings settings, Clock clock, boolean refreshSweep) {
        this.refreshSweep = refreshSweep;
        this.pages = pages;
        this.events = events;
        this.tokens = tokens;
        this.reconciler = reconciler;
        this.componentAppids = Set.copyOf(componentAppids);
        this.settings = settings;
        this.sweep = new SweepGuard("authorizer token sweep", settings.sweepMaxDuration(), clock);
        this.reconciliation = new SweepGuard("reconciliation", Duration.ofHours(1), clock);
    }

    @Override
    public void configure() {
        // @formatter:off
        ExecutorService refreshPool = getCamelContext().getExecutorServiceManager()
                .newFixedThreadPool(this, "wechat-authorizer-refresh", settings.refreshConcurrency());
        // The pages wait for WeChat (api_create_preauthcode, api_query_auth): they run on their own bounded pool, so
        // the HTTP server's threads stay free for the push intake, which must answer WeChat within 5 s. The netty
        // consumer completes the reply asynchronously. When the pool and its queue are full a page fails at once
        // (500) rather than holding an HTTP thread.
        ExecutorService pagePool = getCamelContext().getExecutorServiceManager().newThreadPool(this,
                "wechat-authorize-pages", new ThreadPoolProfileBuilder("wechat-authorize-pages").poolSize(PAGE_THREADS)
                        .maxPoolSize(PAGE_THREADS).maxQueueSize(PAGE_QUEUE)
                        .rejectedPolicy(ThreadPoolRejectedPolicy.Abort).build());
        // Errors go back to the calling HTTP route, whose wechat-callback-errors answers 500.
        from("direct:wechat-authorize-page-render").routeId("wechat-authorize-page-render")
                .errorHandler(noErrorHandler())
                .threads().executorService(pagePool)
                .bean(pages, "entry");
        // Each start costs an api_create_preauthcode (WeChat counts them per day): bounded per client address and
        // overall; an excess start gets a 429 page instead of a WeChat call.
        from("direct:wechat-preauth-code-create").routeId("wechat-preauth-code-create")
                .errorHandler(noErrorHandler())
                .threads().executorService(pagePool)
                .doTry()
                    .throttle(settings.startRatePerClient()).totalRequestsMode().timePeriodMillis(60_000)
                        .correlationExpression(method(pages, "clientAddress")).rejectExecution(true)
                    .throttle(settings.startRate()).totalRequestsMode().timePeriodMillis(60_000)
                        .rejectExecution(true)
                    .bean(pages, "start").id("save-authorization-state")
                .endDoTry()
                .doCatch(ThrottlerRejectedExecutionException.class)
                    .bean(pages, "tooManyStarts")
                .end();
        from("direct:wechat-authorization-exchange").routeId("wechat-authorization-exchange")
                .errorHandler(noErrorHandler())
                .threads().executorService(pagePool)
                .bean(pages, "callback").id("save-authorization");

        from("seda:wechat-authorization-event-handle").routeId("wechat-authorization-event-handle")
                .routeConfigurationId("wechat-schedule-errors")
                .setBody(constant(componentAppids))
                .split(body())
                    .bean(events, "processPending").id("save-authorization-events")
                .end();

        if (!refreshSweep) {
            from("direct:wechat-authorizer-token-refresh-due").routeId("wechat-authorizer-token-refresh-due")
                    .routeConfigurationId("wechat-schedule-errors")
                    .log(LoggingLevel.DEBUG, "io.wechatopen.camel.relay",
                            "Authorizer tokens come from the token relay: nothing to refresh");
            configureReconciliation();
            return;
        }
        // The schedule fires on one instance, which announces the sweep in the database; every instance (this one
        // too) runs it, and the others join within half a second (wechat-authorizer-sweep-join), so the cluster sweeps
        // together. A sweep still running on an instance when another starts there is skipped, not doubled, and
        // stops taking accounts after wechat.authorizer.sweep-max-duration or when the context stops, so sweeps never
        // pile up and the Quartz threads stay free. refresh-concurrency refreshes are in flight at all times: each
        // free slot claims (leases) one due account that no other instance holds, as soon as it is free, so no
        // refresh waits for a slower one and no claimed account waits out its lease in a queue. At most
        // wechat.authorizer.refresh-batch accounts per component and sweep. When nothing is left to claim the
        // announcement ends.
        SweepPipeline pipeline = new SweepPipeline(settings.refreshConcurrency(), refreshPool);
        Processor sweepComponent = exchange -> {
            String componentAppid = exchange.getMessage().getBody(String.class);
            ProducerTemplate producer = exchange.getContext().createProducerTemplate();
            int[] claimed = { 0 };
            try {
                int started = pipeline.run(free -> {
                    int limit = Math.min(free, settings.refreshBatch() - claimed[0]);
                    if (limit < 1) {
                        return List.<AuthorizerRecord> of();
                    }
                    List<AuthorizerRecord> batch = tokens.claimDueForRefresh(componentAppid, limit);
                    if (batch.isEmpty()) {
                        tokens.endSweep(componentAppid);
                    }
                    claimed[0] += batch.size();
                    return batch;
                }, record -> producer.sendBody("direct:wechat-authorizer-token-refresh", record), tokens::releaseClaim,
                        () -> sweep.inTime() && !exchange.getContext().isStopping());
                exchange.getMessage().setBody(started);
            } finally {
                producer.close();
            }
        };
        from("direct:wechat-authorizer-token-refresh-due").routeId("wechat-authorizer-token-refresh-due")
                .routeConfigurationId("wechat-schedule-errors")
                .process(exchange -> componentAppids
                        .forEach(componentAppid -> tokens.announceSweep(componentAppid, settings.sweepMaxDuration())))
                .id("save-sweep-announcement")
                .filter(method(sweep, "tryStart"))
                    .doTry()
                        .setBody(constant(List.copyOf(componentAppids)))
                        .to("direct:wechat-authorizer-sweep")
                    .endDoTry()
                    .doFinally()
                        .bean(sweep, "finish")
                    .end()
                .end();

        from("timer:wechat-authorizer-sweep-join?delay=1000&period=500").routeId("wechat-authorizer-sweep-join")
                .routeConfigurationId("wechat-schedule-errors")
                .filter(method(sweep, "idle"))
                    .setBody(method(tokens, "sweepsUnderway"))
                    .filter(PredicateBuilder.and(simple("${body.size()} > 0"), method(sweep, "tryStart")))
                        .doTry()
                            .to("direct:wechat-authorizer-sweep")
                        .endDoTry()
                        .doFinally()
                            .bean(sweep, "finish")
                        .end()
                    .end()
                .end();

        // Body: the component appids to sweep; the caller holds the sweep guard.
        from("direct:wechat-authorizer-sweep").routeId("wechat-authorizer-sweep")
                .routeConfigurationId("wechat-schedule-errors")
                .split(body())
                    .process(sweepComponent).id("claim-due-authorizers")
                .end();

        // Body: an account claimed by the sweep (AuthorizerRecord), its lease held.
        from("direct:wechat-authorizer-token-refresh").routeId("wechat-authorizer-token-refresh")
                .routeConfigurationId("wechat-schedule-errors")
                .throttle(settings.refreshRate()).totalRequestsMode().timePeriodMillis(1000)
                .bean(tokens, "refreshClaimed").id("save-authorizer-token");
        configureReconciliation();
        // @formatter:on
    }

    private void configureReconciliation() {
        // @formatter:off
        from("direct:wechat-authorizer-list-reconcile").routeId("wechat-authorizer-list-reconcile")
                .routeConfigurationId("wechat-schedule-errors")
                .filter(method(reconciliation, "tryStart"))
                    .doTry()
                        .bean(pages, "purgeExpiredStates").id("save-purged-states")
                        .setBody(constant(componentAppids))
                        .split(body())
                            .bean(reconciler, "reconcile").id("save-reconciled-authorizers")
                        .end()
                    .endDoTry()
                    .doFinally()
                        .bean(reconciliation, "finish")
                    .end()
                .end();
        // @formatter:on
    }
}
