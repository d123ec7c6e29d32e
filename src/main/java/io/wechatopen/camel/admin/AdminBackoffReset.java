package io.wechatopen.camel.admin;

import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.apache.camel.Message;

import io.wechatopen.camel.token.ApiBackoff;

/**
 * {@code POST /admin/backoffs/reset} (bearer): ends every WeChat API back-off and 45009 quota breaker, for every
 * instance on the database (they are stored there), for an operator who has cleared the quota ({@code clear_quota})
 * or fixed the cause (IP whitelist, secret). Answers {@code {"reset":N}}, the number of back-offs recorded (in force,
 * or elapsed since the API's last failure).
 */
public final class AdminBackoffReset {

    private final AdminBearer bearer;
    private final ApiBackoff backoff;
    private final List<String> componentAppids;

    public AdminBackoffReset(AdminBearer bearer, ApiBackoff backoff, List<String> componentAppids) {
        this.bearer = bearer;
        this.backoff = backoff;
        this.componentAppids = List.copyOf(componentAppids);
    }

    @Handler
    public void reset(Exchange exchange) {
        if (!bearer.admit(exchange)) {
            return;
        }
        int reset = componentAppids.stream().mapToInt(backoff::resetAll).sum();
        Message message = exchange.getMessage();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody("{\"reset\":" + reset + "}");
    }
}
