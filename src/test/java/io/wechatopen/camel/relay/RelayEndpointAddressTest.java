package io.wechatopen.camel.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.wechatopen.camel.support.RunningBundle;

/** The relay endpoint answers only the addresses of {@code wechat.relay.allowed-addresses}, before any bearer. */
class RelayEndpointAddressTest {

    private static final String SECRET = "YWRkcmVzcy10ZXN0LXNlY3JldC0wMTIzNDU2";

    @Test
    void relayEndpointWhenAddressNotAllowedThen403EvenWithTheRightBearer() throws Exception {
        try (RunningBundle bundle = RunningBundle.start(Map.of("wechat.sandbox.enabled", "false",
                "wechat.relay.enabled", "true", "wechat.relay.clients", "staging:" + SECRET,
                "wechat.relay.allowed-addresses", "192.0.2.0/24,2001:db8::/32"))) {
            HttpResponse<String> answer = bundle.get(bundle.baseUrl() + "/relay/components/"
                    + bundle.componentAppid() + "/token", SECRET);
            assertThat(answer.statusCode()).isEqualTo(403);
            assertThat(answer.body()).contains("FORBIDDEN").doesNotContain("access_token");
        }
    }
}
