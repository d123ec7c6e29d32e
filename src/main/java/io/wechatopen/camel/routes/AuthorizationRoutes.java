package io.wechatopen.camel.routes;

import java.util.Set;
import java.util.concurrent.ExecutorService;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;

import io.wechatopen.camel.camel.AuthorizationPages;
import io.wechatopen.camel.config.AuthorizeSettings;
import io.wechatopen.camel.token.AuthorizationEventProcessor;
import io.wechatopen.camel.token.AuthorizerReconciler;
import io.wechatopen.camel.token.AuthorizerTokenManager;

/**
 * The authorization flow and the authorizer upkeep behind the YAML triggers:
 * <ul>
 * <li>{@code direct:wechat-authorize-page-render}, {@code direct:wechat-preauth-code-create},
 * {@code direct:wechat-authorization-exchange}: the entry page, the start (302 to WeChat) and the callback; in, the
 * HTTP request; out, the HTML reply.</li>
 * <li>{@code seda:wechat-authorization-event-handle}: processes the stored authorization pushes of every
 * component (one consumer; safe alongside other instances).</li>
 * <li>{@code direct:wechat-authorizer-token-refresh-due}: refreshes every authorizer token within the skew of
 * expiry, with bounded concurrency and a rate limit.</li>
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

    public AuthorizationRoutes(AuthorizationPages pages, AuthorizationEventProcessor events,
            AuthorizerTokenManager tokens, AuthorizerReconciler reconciler, Set<String> componentAppids,
            AuthorizeSettings settings) {
        this.pages = pages;
        this.events = events;
        this.tokens = tokens;
        this.reconciler = reconciler;
        this.componentAppids = Set.copyOf(componentAppids);
        this.settings = settings;
    }

    @Override
    public void configure() {
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
        from("direct:wechat-preauth-code-create").routeId("wechat-preauth-code-create")
                .errorHandler(noErrorHandler())
                .threads().executorService(pagePool)
                .bean(pages, "start").id("save-authorization-state");
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

        from("direct:wechat-authorizer-token-refresh-due").routeId("wechat-authorizer-token-refresh-due")
                .routeConfigurationId("wechat-schedule-errors")
                .setBody(constant(componentAppids))
                .split(body())
                    .setHeader("WeChatComponentAppid", body())
                    .setBody(method(tokens, "dueForRefresh(${header.WeChatComponentAppid}, " + settings.refreshBatch()
                            + ")"))
                    .split(body()).parallelProcessing().executorService(refreshPool)
                        .throttle(settings.refreshRate()).totalRequestsMode().timePeriodMillis(1000)
                        .to("direct:wechat-authorizer-token-refresh")
                    .end()
                .end();

        from("direct:wechat-authorizer-token-refresh").routeId("wechat-authorizer-token-refresh")
                .routeConfigurationId("wechat-schedule-errors")
                .bean(tokens, "refreshIfDue(${body.componentAppid}, ${body.authorizerAppid})")
                .id("save-authorizer-token");

        from("direct:wechat-authorizer-list-reconcile").routeId("wechat-authorizer-list-reconcile")
                .routeConfigurationId("wechat-schedule-errors")
                .bean(pages, "purgeExpiredStates").id("save-purged-states")
                .setBody(constant(componentAppids))
                .split(body())
                    .bean(reconciler, "reconcile").id("save-reconciled-authorizers")
                .end();
    }
}
