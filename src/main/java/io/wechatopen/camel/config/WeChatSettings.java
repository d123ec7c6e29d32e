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
 * @param adminToken {@code wechat.admin.token}: bearer token of the admin endpoints (secret)
 */
public record WeChatSettings(ComponentSettings component, ApiSettings api, TokenPolicy tokens,
        CallbackSettings callback, HttpSettings http, StoreSettings store, SandboxSettings sandbox,
        String adminToken) {

    /**
     * @throws ConfigurationException naming the first missing or invalid key
     */
    public static WeChatSettings load(SettingsSource source) {
        HttpSettings http = HttpSettings.from(source);
        return new WeChatSettings(ComponentSettings.from(source), ApiSettings.from(source), TokenPolicy.from(source),
                CallbackSettings.from(source), http, StoreSettings.from(source), SandboxSettings.from(source, http),
                source.required("wechat.admin.token"));
    }

    @Override
    public String toString() {
        return "WeChatSettings[" + component + ", api=" + api + ", " + http + ", " + store + ", " + sandbox + "]";
    }
}
