package io.wechatopen.camel.routes;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.OnExceptionDefinition;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.hc.client5.http.ConnectTimeoutException;

import io.wechatopen.camel.client.WeChatApiHeaders;
import io.wechatopen.camel.api.WeChatApiException;
import io.wechatopen.camel.api.WeChatHttpException;
import io.wechatopen.camel.client.ApiTokens;
import io.wechatopen.camel.intake.ComponentPushIntake;
import io.wechatopen.camel.intake.PushRejectedException;
import io.wechatopen.camel.config.ApiSettings;
import io.wechatopen.camel.token.WeChatMetrics;

/**
 * The three error policies every route names in {@code routeConfigurationId}:
 * <ul>
 * <li>{@code wechat-api-errors}: outbound WeChat calls. A connection that was never made is redelivered with
 * exponential back-off, bounded by {@code wechat.api.maximum-redeliveries}; a failure after the request may have
 * reached WeChat (read timeout, reset, 5xx, errcode -1) only when the call is idempotent (exchange property
 * {@value WeChatApiRoutes#IDEMPOTENT}); a refused token (40001/42001/40014) is expired and the call repeated once
 * with a fresh one; every other errcode fails at once.</li>
 * <li>{@code wechat-callback-errors}: pushes from WeChat. Never redelivered (WeChat pushes again on its own);
 * a refused push gets its status (401/400/413) and a short reason, anything else (the database is down) 500, so
 * WeChat pushes again; all quickly. The 500 says "nothing was stored" only for a push whose store transaction did
 * not commit; a failure after the push was stored (exchange property {@code WeChatPushStored}) is logged and
 * answered {@code success}, since WeChat must not push it again. Each push's outcome is reported to
 * {@link WeChatMetrics#pushReceived}. Also answers the pages' and admin endpoints' failures.</li>
 * <li>{@code wechat-schedule-errors}: scheduled upkeep. Logged at ERROR and handled; the next tick retries.</li>
 * </ul>
 * Logs carry exception messages only: no bodies, no message history (they may hold secrets or tokens).
 */
public final class WeChatRouteConfigurations extends RouteConfigurationBuilder {

    private static final String COMPONENT_EVENT_ROUTE = "wechat-component-event-receive";

    private final ApiSettings api;
    private final ApiTokens tokens;
    private final WeChatMetrics metrics;

    public WeChatRouteConfigurations(ApiSettings api, ApiTokens tokens, WeChatMetrics metrics) {
        this.api = api;
        this.tokens = tokens;
        this.metrics = metrics;
    }

    @Override
    public void configuration() {
        RouteConfigurationDefinition apiErrors = routeConfiguration("wechat-api-errors");
        // Other errcodes are answers: the caller reacts and reports them, so they are not logged here.
        apiErrors.errorHandler(defaultErrorHandler().logExhausted(false).logStackTrace(false));
        // The request never left: WeChat did nothing, any call may be sent again.
        retried(apiErrors.onException(ConnectException.class, ConnectTimeoutException.class,
                UnknownHostException.class, NoRouteToHostException.class));
        // The request may have reached WeChat (read timeout, reset, lost reply, 5xx, -1): sent again only when
        // repeating it is harmless. api_query_auth's code is single-use and a message must not be sent twice.
        retried(apiErrors.onException(IOException.class).onWhen(WeChatRouteConfigurations::isIdempotent));
        retried(apiErrors.onException(WeChatHttpException.class)
                .onWhen(exchange -> isTransient(exchange.getException(WeChatHttpException.class))
                        && isIdempotent(exchange)));
        // errcode -1 is WeChat's "system error, try again later"; every other errcode is an answer.
        retried(apiErrors.onException(WeChatApiException.class)
                .onWhen(exchange -> isTransient(exchange.getException(WeChatApiException.class))
                        && isIdempotent(exchange)));
        // 40001/42001/40014: the token was refused, so WeChat did nothing: expire it, look it up again in the
        // retried step, and try once more.
        apiErrors.onException(WeChatApiException.class)
                .onWhen(exchange -> isTokenRefused(exchange.getException(WeChatApiException.class))
                        && ApiTokens.usedToken(exchange))
                .maximumRedeliveries(1).redeliveryDelay(0)
                .onRedelivery(tokens::reportInvalid)
                .retryAttemptedLogLevel(LoggingLevel.INFO).logRetryStackTrace(false).logStackTrace(false)
                .logExhausted(false);

        RouteConfigurationDefinition callbackErrors = routeConfiguration("wechat-callback-errors");
        callbackErrors.onException(PushRejectedException.class)
                .handled(true)
                .log(LoggingLevel.WARN, "io.wechatopen.camel.callback",
                        "Refused push to ${routeId}: ${exception.message}"
                                + " (msg_signature=${header.msg_signature}, timestamp=${header.timestamp})")
                .process(exchange -> {
                    int status = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, PushRejectedException.class)
                            .getStatus();
                    reportPush(exchange, switch (status) {
                        case 400 -> "malformed";
                        case 413 -> "too_large";
                        default -> "refused";
                    });
                    reply(exchange, status, exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class)
                            .getMessage());
                });
        callbackErrors.onException(Exception.class)
                .handled(true)
                .choice()
                    .when(exchangeProperty(ComponentPushIntake.STORED).isEqualTo(true))
                        // The push is durably stored: an error answer would only make WeChat push it again.
                        .log(LoggingLevel.WARN, "io.wechatopen.camel.callback", "${routeId} failed after the push"
                                + " was stored, answered success: ${exception.message}"
                                + " (msg_signature=${header.msg_signature}, timestamp=${header.timestamp})")
                        .process(exchange -> reply(exchange, 200, "success"))
                    .otherwise()
                        .log(LoggingLevel.ERROR, "io.wechatopen.camel.callback", "${routeId} failed: "
                                + "${exception.message}"
                                + " (msg_signature=${header.msg_signature}, timestamp=${header.timestamp})")
                        .process(exchange -> {
                            reportPush(exchange, "error");
                            // The property is set (false) by the push intake, whose one transaction did not commit.
                            boolean nothingStored = exchange.getProperty(ComponentPushIntake.STORED) != null;
                            reply(exchange, 500, nothingStored ? "temporarily unavailable; nothing was stored"
                                    : "temporarily unavailable");
                        })
                .end();

        routeConfiguration("wechat-schedule-errors").onException(Exception.class)
                .handled(true)
                .log(LoggingLevel.ERROR, "io.wechatopen.camel.schedule", "${routeId} failed: ${exception.message}");
    }

    /** Redelivery with exponential back-off, bounded; logs name the exception only (no body, no history). */
    private void retried(OnExceptionDefinition clause) {
        long delay = api.redeliveryDelay().toMillis();
        clause.maximumRedeliveries(api.maximumRedeliveries()).redeliveryDelay(delay)
                .useExponentialBackOff().backOffMultiplier(2).maximumRedeliveryDelay(delay * 16)
                .retryAttemptedLogLevel(LoggingLevel.WARN).logRetryStackTrace(false).logStackTrace(false)
                .logExhausted(true).logExhaustedMessageHistory(false).logExhaustedMessageBody(false);
    }

    private static boolean isTransient(WeChatHttpException e) {
        return e != null && e.isTransient();
    }

    private static boolean isIdempotent(Exchange exchange) {
        return exchange.getProperty(WeChatApiHeaders.IDEMPOTENT, false, Boolean.class);
    }

    private static boolean isTokenRefused(WeChatApiException e) {
        return e != null && WeChatApiException.TOKEN_REFUSED.contains(e.getErrcode());
    }

    private static boolean isTransient(WeChatApiException e) {
        return e != null && e.isTransient();
    }

    private void reportPush(Exchange exchange, String outcome) {
        if (COMPONENT_EVENT_ROUTE.equals(exchange.getFromRouteId())) {
            String infoType = exchange.getMessage().getHeader(ComponentPushIntake.INFO_TYPE, String.class);
            metrics.pushReceived(infoType == null ? "unknown" : infoType, outcome);
        }
    }

    private static void reply(Exchange exchange, int status, String reason) {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getMessage().setBody(reason);
    }
}
