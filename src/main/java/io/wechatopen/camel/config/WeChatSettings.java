package io.wechatopen.camel.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Every setting of the bundle, read and checked once at start. Both runtimes (Camel Main and Karaf) build it
 * from their own property source with {@link #load(SettingsSource)}. The committed development secrets are refused
 * unless {@code wechat.api.base-url} is this instance's own sandbox ({@link DevelopmentSecrets}).
 *
 * @param components the platforms' credentials, the primary one ({@code wechat.component.*}) first, then those named
 *        in {@code wechat.components}; appids are distinct
 * @param api how WeChat is called
 * @param tokens refresh and ticket policy
 * @param callback push acceptance
 * @param http our HTTP consumer
 * @param store database and secrets at rest
 * @param sandbox the built-in simulator
 * @param authorize the authorization flow and authorizer token upkeep
 * @param adminToken {@code wechat.admin.token}: bearer token of the admin endpoints (secret)
 * @param cluster this instance's part among several on one database
 */
public record WeChatSettings(List<ComponentSettings> components, ApiSettings api, TokenPolicy tokens,
        CallbackSettings callback, HttpSettings http, StoreSettings store, SandboxSettings sandbox,
        AuthorizeSettings authorize, String adminToken, ClusterSettings cluster) {

    /**
     * @throws ConfigurationException naming the first missing or invalid key, or the first development secret
     *         configured while the API is not this instance's own sandbox
     */
    public static WeChatSettings load(SettingsSource source) {
        HttpSettings http = HttpSettings.from(source);
        ApiSettings api = ApiSettings.from(source);
        List<String> componentPrefixes = componentPrefixes(source);
        WeChatSettings settings = new WeChatSettings(components(source, componentPrefixes), api,
                TokenPolicy.from(source), CallbackSettings.from(source), http, StoreSettings.from(source),
                SandboxSettings.from(source, http), AuthorizeSettings.from(source, api),
                source.required("wechat.admin.token"), ClusterSettings.from(source));
        DevelopmentSecrets.refuseUnlessOwnSandbox(settings, componentPrefixes, source);
        return settings;
    }

    /** The primary platform: the one the sandbox simulates and the authorization pages use by default. */
    public ComponentSettings component() {
        return components.get(0);
    }

    /** The key prefix of each platform: {@code wechat.component}, then one per name in {@code wechat.components}. */
    private static List<String> componentPrefixes(SettingsSource source) {
        List<String> prefixes = new ArrayList<>();
        prefixes.add("wechat.component");
        for (String name : source.optional("wechat.components").map(v -> v.split(",")).orElse(new String[0])) {
            String trimmed = name.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (!trimmed.matches("[a-z0-9][a-z0-9-]{0,31}") || RESERVED.contains(trimmed)) {
                throw source.invalid("wechat.components", "lower-case names (not appid, appsecret, token or"
                        + " encoding-aes-key) separated by commas");
            }
            prefixes.add("wechat.component." + trimmed);
        }
        return List.copyOf(prefixes);
    }

    private static List<ComponentSettings> components(SettingsSource source, List<String> prefixes) {
        List<ComponentSettings> components = new ArrayList<>();
        for (String prefix : prefixes) {
            components.add(ComponentSettings.from(source, prefix));
        }
        Set<String> appids = new HashSet<>();
        for (ComponentSettings component : components) {
            if (!appids.add(component.appid())) {
                throw source.invalid("wechat.components", "platforms with distinct appids (" + component.appid()
                        + " is configured twice)");
            }
        }
        return List.copyOf(components);
    }

    private static final Set<String> RESERVED = Set.of("appid", "appsecret", "token", "encoding-aes-key");

    /** Key id of the committed development store key, refused unless the API is this instance's sandbox. */
    public static final String DEVELOPMENT_KEY_PREFIX = DevelopmentSecrets.KEY_ID + ":";
    /** Prefix of the committed development admin token, refused unless the API is this instance's sandbox. */
    public static final String DEVELOPMENT_TOKEN_PREFIX = DevelopmentSecrets.ADMIN_TOKEN_PREFIX;

    @Override
    public String toString() {
        return "WeChatSettings[" + components + ", api=" + api + ", " + http + ", " + store + ", " + sandbox + "]";
    }
}
