package io.wechatopen.camel.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.camel.test.AvailablePortFinder;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.wechatopen.camel.AuthorizerUnavailableException;
import io.wechatopen.camel.config.RelaySettings;
import io.wechatopen.camel.config.SettingsSource;

/** A relay that cannot be reached gives typed errors that name the relay URL and never the bearer secret. */
class RelayedTokensUnreachableTest {

    private static final String SECRET = "dW5yZWFjaGFibGUtcmVsYXktc2VjcmV0";

    private final String url = "http://127.0.0.1:" + AvailablePortFinder.getNextAvailable() + "/wechat";
    private final TokenRelayClient relay = new TokenRelayClient(RelaySettings.from(new SettingsSource(
            key -> Optional.ofNullable(Map.of("wechat.component.token-source", "relay", "wechat.relay.url", url,
                    "wechat.relay.client-secret", SECRET, "wechat.relay.timeout", "2s").get(key)),
            "test")), new ObjectMapper());

    @Test
    void authorizerTokenWhenRelayUnreachableThenUnavailableNamingTheRelay() {
        RelayedAuthorizerTokens tokens = new RelayedAuthorizerTokens(Set.of("wxcomponent"), relay,
                Clock.systemUTC());
        assertThatThrownBy(() -> tokens.accessToken("wxaccount"))
                .isInstanceOfSatisfying(AuthorizerUnavailableException.class, e -> {
                    assertThat(e.getReason()).isEqualTo(AuthorizerUnavailableException.Reason.UNAVAILABLE);
                    assertThat(e.getMessage()).contains(url).doesNotContain(SECRET);
                });
        assertThatThrownBy(() -> tokens.accessToken("wxother", "wxaccount"))
                .isInstanceOfSatisfying(AuthorizerUnavailableException.class,
                        e -> assertThat(e.getReason()).isEqualTo(AuthorizerUnavailableException.Reason.UNKNOWN));
        // A report that cannot be delivered is not thrown at the caller (an onRedelivery hook).
        tokens.reportInvalid("wxcomponent", "wxaccount", "some-token");
    }

    @Test
    void componentTokenWhenRelayUnreachableThenTokenRelayException() {
        RelayedComponentTokens tokens = new RelayedComponentTokens(Set.of("wxcomponent"), relay, Clock.systemUTC());
        assertThatThrownBy(() -> tokens.accessToken("wxcomponent"))
                .isInstanceOfSatisfying(TokenRelayException.class, e -> {
                    assertThat(e.transientFailure()).isTrue();
                    assertThat(e.getMessage()).contains(url).doesNotContain(SECRET);
                });
        assertThatThrownBy(() -> tokens.accessToken("wxnotconfigured")).isInstanceOf(IllegalArgumentException.class);
        tokens.reportInvalid("wxcomponent", "some-token");
    }
}
