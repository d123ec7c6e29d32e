package io.wechatopen.camel.config;

/**
 * Every setting of the bundle, read and checked once at start. Both runtimes (Camel Main and Karaf) build it
 * from their own property source with {@link #load(SettingsSource)}.
 *
 * @param component the platform's credentials
 * @param api how WeChat is called
 * @param tokens refresh and ticket policy
 * @param callback push acceptance
 * @param http our HTTP consumer
 * @param store database and secrets at rest
 * @param sandbox the built-in simulator
 * @param authorize the authorization flow and authorizer token upkeep
 * @param adminToken {@code wechat.admin.token}: bearer token of the admin endpoints (secret)
 */
public record WeChatSettings(ComponentSettings component, ApiSettings api, TokenPolicy tokens,
        CallbackSettings callback, HttpSettings http, StoreSettings store, SandboxSettings sandbox,
        AuthorizeSettings authorize, String adminToken) {

    /**
     * @throws ConfigurationException naming the first missing or invalid key
     */
    public static WeChatSettings load(SettingsSource source) {
        HttpSettings http = HttpSettings.from(source);
        ApiSettings api = ApiSettings.from(source);
        WeChatSettings settings = new WeChatSettings(ComponentSettings.from(source), api, TokenPolicy.from(source),
                CallbackSettings.from(source), http, StoreSettings.from(source), SandboxSettings.from(source, http),
                AuthorizeSettings.from(source, api), source.required("wechat.admin.token"));
        if (!settings.api().isOnThisMachine()) {
            if (settings.store().encryptionKeys().startsWith(DEVELOPMENT_KEY_PREFIX)) {
                throw new ConfigurationException("{{wechat.store.encryption-key}} is the committed development key"
                        + " but {{wechat.api.base-url}} is not on this machine: set WECHAT_STORE_ENCRYPTION_KEY");
            }
            if (settings.adminToken().startsWith(DEVELOPMENT_TOKEN_PREFIX)) {
                throw new ConfigurationException("{{wechat.admin.token}} is the committed development token"
                        + " but {{wechat.api.base-url}} is not on this machine: set WECHAT_ADMIN_TOKEN");
            }
        }
        return settings;
    }

    /** Key id of the committed development store key, refused against real WeChat. */
    public static final String DEVELOPMENT_KEY_PREFIX = "dev:";
    /** Prefix of the committed development admin token, refused against real WeChat. */
    public static final String DEVELOPMENT_TOKEN_PREFIX = "dev-";

    @Override
    public String toString() {
        return "WeChatSettings[" + component + ", api=" + api + ", " + http + ", " + store + ", " + sandbox + "]";
    }
}
