package io.wechatopen.camel.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.apache.camel.Message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.wechatopen.camel.AuthorizerUnavailableException;
import io.wechatopen.camel.api.WeChatApiException;
import io.wechatopen.camel.api.WeChatHttpException;
import io.wechatopen.camel.api.WeChatUnreachableException;
import io.wechatopen.camel.api.dto.ApiQuotaResponse;
import io.wechatopen.camel.model.QuotaReading;
import io.wechatopen.camel.quota.ComponentQuota;
import io.wechatopen.camel.quota.QuotaClearance;
import io.wechatopen.camel.quota.QuotaResetRefusedException;

/**
 * The quota endpoints (bearer {@code wechat.admin.token}), for an operator; never called automatically.
 * <ul>
 * <li>{@code GET /admin/quota?cgi_path=/cgi-bin/...[&authorizer_appid=wx...][&component_appid=wx...]}: WeChat's
 * getApiQuota figures now (this calls WeChat): {@code quota}, {@code rate_limit}, {@code component_rate_limit}.</li>
 * <li>{@code POST /admin/quota/clear} with an optional JSON body {@code {"authorizer_appid","component_appid"}}:
 * clear_quota/v2 of the platform's quotas, or of that account's; 200 with the month's resets used and left, 429
 * (WeChat not called) when this month's {@value QuotaClearance#MONTHLY_RESETS} are spent.</li>
 * </ul>
 * The component defaults to the primary platform. Errors: 400 bad input, 409 an account without a usable token, 429
 * budget spent, 502 WeChat's errcode (in {@code errcode}), 503 WeChat unreachable. Also {@link #quotaSection}: the
 * {@code quota} block of {@code /admin/status}.
 */
public final class AdminQuota {

    private final AdminBearer bearer;
    private final String primaryComponent;
    private final ComponentQuota quota;
    private final QuotaClearance clearance;
    private final ObjectMapper mapper;

    public AdminQuota(AdminBearer bearer, String primaryComponent, ComponentQuota quota, QuotaClearance clearance,
            ObjectMapper mapper) {
        this.bearer = bearer;
        this.primaryComponent = primaryComponent;
        this.quota = quota;
        this.clearance = clearance;
        this.mapper = mapper;
    }

    @Handler
    public void read(Exchange exchange) throws JsonProcessingException {
        Message message = exchange.getMessage();
        String cgiPath = message.getHeader("cgi_path", String.class);
        String authorizer = blankToNull(message.getHeader("authorizer_appid", String.class));
        String component = component(message.getHeader("component_appid", String.class));
        if (!bearer.admit(exchange)) {
            return;
        }
        answer(exchange, () -> {
            ApiQuotaResponse response = authorizer == null ? quota.quota(component, cgiPath)
                    : quota.quota(component, authorizer, cgiPath);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("component_appid", component);
            if (authorizer != null) {
                body.put("authorizer_appid", authorizer);
            }
            body.put("cgi_path", cgiPath);
            body.putAll(mapper.convertValue(response, Map.class));
            return body;
        });
    }

    @Handler
    public void clear(Exchange exchange) throws JsonProcessingException {
        Message message = exchange.getMessage();
        String text = message.getBody(String.class);
        if (!bearer.admit(exchange)) {
            return;
        }
        JsonNode json;
        try {
            json = text == null || text.isBlank() ? mapper.createObjectNode() : mapper.readTree(text);
        } catch (JsonProcessingException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            reply(exchange, 400,
                    Map.of("error", "the body must be a JSON object such as {\"authorizer_appid\":\"wx...\"}"));
            return;
        }
        String authorizer = blankToNull(json.path("authorizer_appid").asText(null));
        String component = component(json.path("component_appid").asText(null));
        answer(exchange, () -> {
            QuotaClearance.Budget budget = clearance.clear(component, authorizer);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("cleared", authorizer == null ? component : authorizer);
            body.put("component_appid", component);
            body.putAll(budget(budget));
            return body;
        });
    }

    /** The {@code quota} block of a component in {@code /admin/status}: stored readings and this month's resets. */
    public Map<String, Object> quotaSection(String componentAppid) {
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("resets", budget(clearance.budget(componentAppid, null)));
        List<Map<String, Object>> apis = new ArrayList<>();
        for (QuotaReading reading : quota.readings(componentAppid)) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("cgi_path", reading.cgiPath());
            if (reading.readAt() != null) {
                view.put("daily_limit", reading.dailyLimit());
                view.put("used", reading.used());
                view.put("remain", reading.remain());
                view.put("read_at", reading.readAt().toString());
            }
            view.put("checked_at", reading.checkedAt().toString());
            if (reading.errcode() != null) {
                view.put("errcode", reading.errcode());
                view.put("message", reading.message());
            }
            apis.add(view);
        }
        section.put("apis", apis);
        return section;
    }

    private static Map<String, Object> budget(QuotaClearance.Budget budget) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("month", budget.month());
        view.put("resets_used", budget.used());
        view.put("resets_left", budget.left());
        return view;
    }

    private interface Work {
        Map<String, Object> run();
    }

    private void answer(Exchange exchange, Work work) throws JsonProcessingException {
        try {
            Map<String, Object> body = work.run();
            reply(exchange, 200, body);
        } catch (QuotaResetRefusedException e) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", e.getMessage());
            body.putAll(budget(e.budget()));
            reply(exchange, 429, body);
        } catch (IllegalArgumentException e) {
            reply(exchange, 400, Map.of("error", e.getMessage()));
        } catch (AuthorizerUnavailableException e) {
            reply(exchange, 409, Map.of("error", e.getMessage()));
        } catch (WeChatApiException e) {
            reply(exchange, 502, Map.of("error", "WeChat refused: " + e.getMessage(), "errcode", e.getErrcode()));
        } catch (WeChatHttpException | WeChatUnreachableException e) {
            reply(exchange, 503, Map.of("error", "WeChat could not be reached: " + e.getClass().getSimpleName()));
        }
    }

    private void reply(Exchange exchange, int status, Map<String, Object> body) throws JsonProcessingException {
        Message message = exchange.getMessage();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(mapper.writeValueAsString(body));
    }

    private String component(String given) {
        String appid = blankToNull(given);
        return appid == null ? primaryComponent : appid;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
