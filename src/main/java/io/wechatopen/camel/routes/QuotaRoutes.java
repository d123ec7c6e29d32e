package io.wechatopen.camel.routes;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.dataformat.JsonLibrary;

import io.wechatopen.camel.admin.AdminQuota;
import io.wechatopen.camel.api.dto.ApiQuotaResponse;
import io.wechatopen.camel.client.ApiTokens;
import io.wechatopen.camel.client.CamelQuotaApiClient;
import io.wechatopen.camel.client.WeChatApiHeaders;
import io.wechatopen.camel.client.WeChatApiResponses;
import io.wechatopen.camel.quota.ComponentQuota;

/**
 * The quota tools (issue 10).
 * <ul>
 * <li>{@code direct:wechat-api-quota-get}: getApiQuota with the component token (body {@code {"cgi_path"}}, header
 * {@code WeChatComponentAppid}; out {@link ApiQuotaResponse}); repeated after transient failures.</li>
 * <li>{@code direct:wechat-api-clear-quota-v2}: clear_quota/v2 (body {@code component_appid}, {@code appsecret},
 * optional {@code appid}); sent again only when the connection was never made (a reset spends the monthly
 * budget).</li>
 * <li>{@code direct:wechat-quota-refresh}: reads the watched APIs' quotas of every component and stores them (from
 * the schedule {@code wechat-quota-refresh-schedule} in {@code routes/quota.camel.yaml}).</li>
 * <li>{@code direct:wechat-admin-quota-read} / {@code direct:wechat-admin-quota-clear}: the admin endpoints.</li>
 * </ul>
 */
public final class QuotaRoutes extends RouteBuilder {

    private final ComponentQuota quota;
    private final AdminQuota admin;

    public QuotaRoutes(ComponentQuota quota, AdminQuota admin) {
        this.quota = quota;
        this.admin = admin;
    }

    @Override
    public void configure() {
        // @formatter:off
        from("direct:wechat-api-quota-get").routeId("wechat-api-quota-get")
                .routeConfigurationId("wechat-api-errors")
                .marshal().json(JsonLibrary.Jackson)
                .setProperty(WeChatApiHeaders.REQUEST, body())
                .setProperty(WeChatApiHeaders.IDEMPOTENT, constant(true))
                .setHeader(WeChatApiResponses.API, constant("quota_get"))
                .setHeader(WeChatApiHeaders.PATH, constant(CamelQuotaApiClient.QUOTA_PATH))
                .setHeader(ApiTokens.KIND, constant(ApiTokens.Kind.COMPONENT_AS_ACCESS_TOKEN.name()))
                .setHeader(WeChatApiHeaders.METHOD, constant("POST"))
                .to("direct:wechat-api-post").id("call-api-quota-get")
                .unmarshal().json(JsonLibrary.Jackson, ApiQuotaResponse.class);

        from("direct:wechat-api-clear-quota-v2").routeId("wechat-api-clear-quota-v2")
                .routeConfigurationId("wechat-api-errors")
                .marshal().json(JsonLibrary.Jackson)
                .setProperty(WeChatApiHeaders.REQUEST, body())
                .setProperty(WeChatApiHeaders.IDEMPOTENT, constant(false))
                .setHeader(WeChatApiResponses.API, constant("clear_quota_v2"))
                .setHeader(WeChatApiHeaders.PATH, constant("/cgi-bin/component/clear_quota/v2"))
                .setHeader(ApiTokens.KIND, constant(ApiTokens.Kind.NONE.name()))
                .setHeader(WeChatApiHeaders.METHOD, constant("POST"))
                .to("direct:wechat-api-post").id("call-api-clear-quota-v2");

        from("direct:wechat-quota-refresh").routeId("wechat-quota-refresh")
                .routeConfigurationId("wechat-schedule-errors")
                .bean(quota, "refreshAll");

        from("direct:wechat-admin-quota-read").routeId("wechat-admin-quota-read")
                // Errors go back to the calling HTTP route, whose wechat-callback-errors answers 500.
                .errorHandler(noErrorHandler())
                .bean(admin, "read");

        from("direct:wechat-admin-quota-clear").routeId("wechat-admin-quota-clear")
                .errorHandler(noErrorHandler())
                .bean(admin, "clear");
        // @formatter:on
    }
}
