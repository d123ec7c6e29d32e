package io.wechatopen.camel.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Who owns the platform's tokens. WeChat keeps one valid {@code component_access_token} per platform (and one
 * {@code authorizer_access_token} per account): a second environment that fetches one invalidates the other's, so
 * exactly one instance (or cluster) talks to the token APIs and the others get tokens from it ("one central token
 * service per appid", WeChat's advice).
 *
 * @param tokenSource {@code wechat.component.token-source}: {@code wechat} (default, this instance fetches tokens
 *        from WeChat) or {@code relay} (it gets them from the relay endpoint of a {@code wechat} instance and never
 *        calls {@code api_component_token} or {@code api_authorizer_token})
 * @param endpointEnabled {@code wechat.relay.enabled} (default false): this {@code wechat} instance serves its tokens
 *        under {@code {context-path}/relay/}
 * @param clients {@code wechat.relay.clients}: {@code name:secret[:appid|appid...]} entries separated by commas, the
 *        clients allowed to call the relay endpoint (bearer = secret; without appids, every component)
 * @param allowedAddresses {@code wechat.relay.allowed-addresses}: the client addresses the endpoint answers (default:
 *        loopback and private networks)
 * @param url {@code wechat.relay.url}: in relay mode, the base URL of the owner's HTTP consumer, e.g.
 *        {@code https://prod.example/wechat}
 * @param clientSecret {@code wechat.relay.client-secret}: in relay mode, this instance's bearer secret (secret)
 * @param timeout {@code wechat.relay.timeout} (default {@code 5s}): connect and answer timeout of relay calls
 */
public record RelaySettings(TokenSource tokenSource, boolean endpointEnabled, List<Client> clients,
        List<AddressRange> allowedAddresses, String url, String clientSecret, Duration timeout) {

    /** Where this instance's tokens come from. */
    public enum TokenSource {
        /** From WeChat's token APIs (this instance is the owner). */
        WECHAT,
        /** From the owner's relay endpoint. */
        RELAY
    }

    /**
     * One allowed relay client.
     *
     * @param name shown in the audit log
     * @param secret its bearer secret
     * @param components the component appids it may ask for; empty means all of this deployment
     */
    public record Client(String name, String secret, Set<String> components) {

        /** Whether the client may ask for tokens of {@code componentAppid}. */
        public boolean allows(String componentAppid) {
            return components.isEmpty() || components.contains(componentAppid);
        }

        @Override
        public String toString() {
            return "Client[" + name + ", components=" + components + "]";
        }
    }

    /** The default of {@code wechat.relay.allowed-addresses}: loopback and private (RFC 1918, RFC 4193) networks. */
    public static final String DEFAULT_ALLOWED_ADDRESSES = "127.0.0.0/8,::1,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,"
            + "fc00::/7";
    /** Shortest accepted bearer secret. */
    static final int MIN_SECRET_LENGTH = 16;

    /** @throws ConfigurationException naming the first missing or invalid key */
    public static RelaySettings from(SettingsSource source) {
        String sourceName = source.string("wechat.component.token-source", "wechat").toUpperCase(Locale.ROOT);
        TokenSource tokenSource;
        try {
            tokenSource = TokenSource.valueOf(sourceName);
        } catch (IllegalArgumentException e) {
            throw source.invalid("wechat.component.token-source", "wechat or relay");
        }
        boolean enabled = source.bool("wechat.relay.enabled", false);
        Duration timeout = source.duration("wechat.relay.timeout", Duration.ofSeconds(5));
        if (timeout.isZero() || timeout.isNegative()) {
            throw source.invalid("wechat.relay.timeout", "a positive duration such as 5s");
        }
        List<AddressRange> addresses = addresses(source);
        if (tokenSource == TokenSource.RELAY) {
            if (enabled) {
                throw source.invalid("wechat.relay.enabled", "false while {{wechat.component.token-source}} is relay"
                        + " (only the instance that fetches tokens from WeChat may serve them)");
            }
            String url = source.required("wechat.relay.url");
            if (!url.matches("https?://[^\\s?#]+")) {
                throw source.invalid("wechat.relay.url", "the owner's base URL such as https://prod.example/wechat");
            }
            String secret = source.required("wechat.relay.client-secret");
            if (secret.length() < MIN_SECRET_LENGTH) {
                throw source.invalid("wechat.relay.client-secret", "at least " + MIN_SECRET_LENGTH + " characters");
            }
            return new RelaySettings(tokenSource, false, List.of(), addresses, url.replaceAll("/+$", ""), secret,
                    timeout);
        }
        List<Client> clients = enabled ? clients(source) : List.of();
        return new RelaySettings(tokenSource, enabled, clients, addresses, null, null, timeout);
    }

    /** Whether this instance gets its tokens from a relay. */
    public boolean relayed() {
        return tokenSource == TokenSource.RELAY;
    }

    private static List<AddressRange> addresses(SettingsSource source) {
        List<AddressRange> ranges = new ArrayList<>();
        for (String entry : source.string("wechat.relay.allowed-addresses", DEFAULT_ALLOWED_ADDRESSES).split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            try {
                ranges.add(AddressRange.parse(entry));
            } catch (IllegalArgumentException e) {
                throw source.invalid("wechat.relay.allowed-addresses",
                        "IP addresses or CIDR ranges separated by commas, e.g. 10.0.0.0/8,192.168.1.7");
            }
        }
        return List.copyOf(ranges);
    }

    private static List<Client> clients(SettingsSource source) {
        String key = "wechat.relay.clients";
        String value = source.optional(key).orElseThrow(() -> new ConfigurationException("Missing required setting {{"
                + key + "}}: wechat.relay.enabled is true, so name at least one client as name:secret (set "
                + SettingsSource.environmentName(key) + "), or set wechat.relay.enabled to false"));
        List<Client> clients = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> secrets = new HashSet<>();
        for (String entry : value.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] parts = entry.trim().split(":", -1);
            if (parts.length < 2 || parts.length > 3 || !parts[0].matches("[A-Za-z0-9][A-Za-z0-9._-]{0,31}")
                    || parts[1].length() < MIN_SECRET_LENGTH || !names.add(parts[0]) || !secrets.add(parts[1])) {
                throw source.invalid(key, "entries name:secret[:appid|appid...] separated by commas, with distinct"
                        + " names and distinct secrets of at least " + MIN_SECRET_LENGTH + " characters");
            }
            Set<String> components = new LinkedHashSet<>();
            if (parts.length == 3) {
                for (String appid : parts[2].split("\\|")) {
                    if (!appid.isBlank()) {
                        components.add(appid.trim());
                    }
                }
            }
            clients.add(new Client(parts[0], parts[1], Set.copyOf(components)));
        }
        if (clients.isEmpty()) {
            throw source.invalid(key, "at least one client name:secret while wechat.relay.enabled is true");
        }
        return List.copyOf(clients);
    }

    @Override
    public String toString() {
        return "RelaySettings[" + tokenSource + ", endpointEnabled=" + endpointEnabled + ", clients=" + clients
                + ", allowedAddresses=" + allowedAddresses + ", url=" + url + ", timeout=" + timeout + "]";
    }
}
