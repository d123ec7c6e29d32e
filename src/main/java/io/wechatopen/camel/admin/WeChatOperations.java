package io.wechatopen.camel.admin;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

import io.wechatopen.camel.config.HttpSettings;
import io.wechatopen.camel.model.AuthorizerRecord;
import io.wechatopen.camel.model.AuthorizerStatus;
import io.wechatopen.camel.quota.QuotaClearance;
import io.wechatopen.camel.store.AuthorizerStore;
import io.wechatopen.camel.token.AuthorizerTokenManager;

/**
 * What an operator can ask of a running bundle outside HTTP (Karaf's {@code wechat:*} shell commands): the same
 * status and event views as the admin endpoints, the authorized accounts, a refresh on demand and the authorization
 * link. Never returns a ticket, token or secret value. Registered as {@code wechatOperations} and, in Karaf, as an
 * OSGi service.
 */
public final class WeChatOperations {

    /** One account as an operator sees it: its state and token expiry, never a token. */
    public record AuthorizerSummary(String componentAppid, String authorizerAppid, AuthorizerStatus status,
            Instant accessTokenExpiresAt, boolean refreshTokenKept, Instant authorizedAt, Instant updatedAt) {

        static AuthorizerSummary of(AuthorizerRecord record) {
            return new AuthorizerSummary(record.componentAppid(), record.authorizerAppid(), record.status(),
                    record.accessTokenExpiresAt(), record.hasRefreshToken(), record.authorizedAt(),
                    record.updatedAt());
        }
    }

    private final List<String> componentAppids;
    private final HttpSettings http;
    private final AdminStatus status;
    private final AdminEvents events;
    private final AuthorizerStore authorizers;
    private final AuthorizerTokenManager tokens;
    private final QuotaClearance quotaClearance;

    /**
     * @param componentAppids the platforms of this deployment, the default one first
     */
    public WeChatOperations(List<String> componentAppids, HttpSettings http, AdminStatus status, AdminEvents events,
            AuthorizerStore authorizers, AuthorizerTokenManager tokens) {
        this(componentAppids, http, status, events, authorizers, tokens, null);
    }

    /**
     * @param componentAppids the platforms of this deployment, the default one first
     * @param quotaClearance clear_quota/v2 for {@link #clearQuota}, or null when not offered
     */
    public WeChatOperations(List<String> componentAppids, HttpSettings http, AdminStatus status, AdminEvents events,
            AuthorizerStore authorizers, AuthorizerTokenManager tokens, QuotaClearance quotaClearance) {
        this.componentAppids = List.copyOf(componentAppids);
        this.http = http;
        this.status = status;
        this.events = events;
        this.authorizers = authorizers;
        this.tokens = tokens;
        this.quotaClearance = quotaClearance;
    }

    /**
     * As {@code POST /admin/quota/clear}: clear_quota/v2 of the platform's quotas, or of an account's (issue 10).
     *
     * @param authorizerAppid the account, or empty for the platform's own quotas
     * @param component the platform, or empty for the default one
     * @return this month's resets after the reset
     * @throws io.wechatopen.camel.quota.QuotaResetRefusedException when this month's 10 resets are spent
     * @throws IllegalStateException when the quota tools are not wired
     */
    public QuotaClearance.Budget clearQuota(Optional<String> authorizerAppid, Optional<String> component) {
        if (quotaClearance == null) {
            throw new IllegalStateException("clear_quota/v2 is not available in this deployment");
        }
        return quotaClearance.clear(component.orElse(componentAppids.get(0)), authorizerAppid.orElse(null));
    }

    /** As {@code GET /admin/status}: ticket age, token expiry, accounts by status, last upkeep results. */
    public Map<String, Object> status() {
        return status.view();
    }

    /** As {@code GET /admin/events?status=S}. @throws IllegalArgumentException for an unknown status */
    public List<Map<String, Object>> events(String eventStatus) {
        return events.events(eventStatus);
    }

    /**
     * The accounts of every platform of this deployment, in {@code only} when given, by component then appid. The
     * store is read page by page, so only the summaries (no tokens) are held.
     */
    public List<AuthorizerSummary> authorizers(Optional<AuthorizerStatus> only) {
        List<AuthorizerSummary> summaries = new ArrayList<>();
        for (String component : new TreeSet<>(componentAppids)) {
            authorizers.streamAll(component).filter(record -> only.isEmpty() || only.get() == record.status())
                    .map(AuthorizerSummary::of).forEach(summaries::add);
        }
        return summaries;
    }

    /** The appids of every account known to this deployment (for completion). */
    public SortedSet<String> authorizerAppids() {
        SortedSet<String> appids = new TreeSet<>();
        authorizers(Optional.empty()).forEach(account -> appids.add(account.authorizerAppid()));
        return appids;
    }

    /**
     * Refreshes an account's access token now.
     *
     * @return when the new token expires
     * @throws io.wechatopen.camel.AuthorizerUnavailableException when it cannot be refreshed, saying why
     */
    public Instant refresh(String authorizerAppid) {
        return tokens.refreshNow(authorizerAppid);
    }

    /**
     * The link to send an account owner to: the authorization entry page ({@code GET /authorize}) at the public URL,
     * for {@code component} or the default platform.
     *
     * @throws IllegalArgumentException when {@code component} is not a platform of this deployment
     */
    public String authorizeLink(Optional<String> component) {
        String link = http.publicUrl() + http.contextPath() + "/authorize";
        if (component.isEmpty()) {
            return link;
        }
        if (!componentAppids.contains(component.get())) {
            throw new IllegalArgumentException("component must be one of " + componentAppids);
        }
        return link + "?component=" + URLEncoder.encode(component.get(), StandardCharsets.UTF_8);
    }
}
