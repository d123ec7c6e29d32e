package io.wechatopen.camel.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.wechatopen.camel.AuthorizerTokens;
import io.wechatopen.camel.AuthorizerUnavailableException;
import io.wechatopen.camel.admin.WeChatOperations.AuthorizerSummary;
import io.wechatopen.camel.model.AuthorizerStatus;
import io.wechatopen.camel.support.RunningBundle;

/**
 * Issue 7 part 6: what the {@code wechat:*} shell commands call, against the whole bundle and its sandbox over real
 * HTTP: the admin views, the accounts, a refresh on demand and the authorization link, never a token.
 */
class WeChatOperationsTest {

    private static final String ACCOUNT = "wx7000000000000001";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static RunningBundle bundle;
    private static WeChatOperations operations;
    private static AuthorizerTokens tokens;

    @BeforeAll
    static void authorizeOneAccount() throws Exception {
        bundle = RunningBundle.start(Map.of("wechat.sandbox.first-push-delay", "200ms"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> bundle.status().at("/components/0/component_token/valid").asBoolean());
        HttpResponse<String> callback = bundle.authorize(ACCOUNT);
        assertThat(callback.statusCode()).as(callback.body()).isEqualTo(200);
        operations = bundle.bean("wechatOperations", WeChatOperations.class);
        tokens = bundle.bean("authorizerTokens", AuthorizerTokens.class);
    }

    @AfterAll
    static void stop() throws Exception {
        bundle.close();
    }

    @Test
    void authorizersWhenOneAccountAuthorizedThenListedWithExpiryAndNoToken() throws Exception {
        List<AuthorizerSummary> all = operations.authorizers(Optional.empty());
        assertThat(all).extracting(AuthorizerSummary::authorizerAppid).containsExactly(ACCOUNT);
        AuthorizerSummary account = all.get(0);
        assertThat(account.componentAppid()).isEqualTo(bundle.componentAppid());
        assertThat(account.status()).isEqualTo(AuthorizerStatus.AUTHORIZED);
        assertThat(account.refreshTokenKept()).isTrue();
        assertThat(account.accessTokenExpiresAt()).isAfter(Instant.now());
        assertThat(account.toString()).doesNotContain(tokens.accessToken(ACCOUNT));

        assertThat(operations.authorizers(Optional.of(AuthorizerStatus.AUTHORIZED))).hasSize(1);
        assertThat(operations.authorizers(Optional.of(AuthorizerStatus.NEEDS_REAUTHORIZATION))).isEmpty();
        assertThat(operations.authorizerAppids()).containsExactly(ACCOUNT);
    }

    @Test
    void refreshWhenTokenStillValidThenNewTokenFromWeChat() throws Exception {
        String before = tokens.accessToken(ACCOUNT);
        long calls = bundle.sandboxState().at("/calls/api_authorizer_token").asLong();

        Instant expiresAt = operations.refresh(ACCOUNT);

        assertThat(expiresAt).isAfter(Instant.now());
        assertThat(bundle.sandboxState().at("/calls/api_authorizer_token").asLong()).isEqualTo(calls + 1);
        assertThat(tokens.accessToken(ACCOUNT)).isNotEqualTo(before);
    }

    @Test
    void refreshWhenAccountUnknownThenTypedRefusal() {
        assertThatThrownBy(() -> operations.refresh("wx7000000000000999"))
                .isInstanceOfSatisfying(AuthorizerUnavailableException.class,
                        e -> assertThat(e.getReason()).isEqualTo(AuthorizerUnavailableException.Reason.UNKNOWN));
    }

    @Test
    void authorizeLinkThenEntryPageAtPublicUrl() throws Exception {
        String link = operations.authorizeLink(Optional.empty());
        assertThat(link).isEqualTo(bundle.baseUrl() + "/authorize");
        assertThat(bundle.get(link, null).statusCode()).isEqualTo(200);
        assertThat(operations.authorizeLink(Optional.of(bundle.componentAppid())))
                .isEqualTo(link + "?component=" + bundle.componentAppid());
        assertThatThrownBy(() -> operations.authorizeLink(Optional.of("wxnotours")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("component must be one of");
    }

    @Test
    void statusAndEventsThenSameViewsAsAdminEndpointsWithoutSecrets() throws Exception {
        String status = JSON.writeValueAsString(operations.status());
        assertThat(JSON.readTree(status).at("/components/0/component_appid").asText())
                .isEqualTo(bundle.componentAppid());
        assertThat(JSON.readTree(status).at("/components/0/authorizers/AUTHORIZED").asInt()).isEqualTo(1);
        assertThat(status).doesNotContain(tokens.accessToken(ACCOUNT))
                .doesNotContain(bundle.sandboxState().at("/tickets/latest").asText());

        assertThat(operations.events("FAILED")).isEmpty();
        // The pushes (ticket, authorized) are processed after they are answered.
        await().atMost(Duration.ofSeconds(20)).until(() -> !operations.events("PROCESSED").isEmpty());
        assertThat(operations.events("PROCESSED")).allSatisfy(event -> assertThat(event)
                .containsKeys("id", "info_type", "status").doesNotContainKey("payload"));
        assertThatThrownBy(() -> operations.events("BOGUS")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("FAILED");
    }
}
