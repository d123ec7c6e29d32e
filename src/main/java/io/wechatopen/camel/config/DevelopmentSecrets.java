package io.wechatopen.camel.config;

import java.util.List;

/**
 * The secrets committed in {@code config/application.properties} for the built-in sandbox, and the rule that keeps
 * them out of production: they are accepted only while {@code wechat.api.base-url} is this instance's own sandbox
 * ({@link SandboxSettings#serves}). Everyone can read them, so anything they protect would be open.
 */
public final class DevelopmentSecrets {

    /** Key id of the committed development store key. */
    public static final String KEY_ID = "dev";
    /** The committed development store key (base64); refused under any id. */
    public static final String KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    /** Prefix of the committed development admin token. */
    public static final String ADMIN_TOKEN_PREFIX = "dev-";
    /** The committed development AppSecret of the platform. */
    public static final String APPSECRET = "sandbox-appsecret-not-for-production";

    private DevelopmentSecrets() {
    }

    /**
     * Refuses the committed development secrets unless the API is this instance's own sandbox: every entry of
     * {@code wechat.store.encryption-key} (by key id and by key), {@code wechat.admin.token}, and the AppSecret of
     * every platform in {@code wechat.components}.
     *
     * @param componentPrefixes the key prefix of each entry of {@code settings.components()}, in the same order
     * @throws ConfigurationException naming the first key to fix and where it is set; never a secret value
     */
    static void refuseUnlessOwnSandbox(WeChatSettings settings, List<String> componentPrefixes,
            SettingsSource source) {
        if (settings.sandbox().serves(settings.api())) {
            return;
        }
        String[] entries = settings.store().encryptionKeys().split(",", -1);
        for (int i = 0; i < entries.length; i++) {
            if (isDevelopmentKey(entries[i])) {
                throw refused(source, "wechat.store.encryption-key", (entries.length > 1 ? "entry " + (i + 1)
                        + " is" : "it is") + " the committed development key; generate keys with"
                        + " SecretSealer.generateKey()");
            }
        }
        if (settings.adminToken().startsWith(ADMIN_TOKEN_PREFIX)) {
            throw refused(source, "wechat.admin.token", "it is the committed development token");
        }
        for (int i = 0; i < settings.components().size(); i++) {
            if (APPSECRET.equals(settings.components().get(i).appsecret())) {
                throw refused(source, componentPrefixes.get(i) + ".appsecret",
                        "it is the committed development AppSecret");
            }
        }
    }

    /** Whether a {@code wechat.store.encryption-key} entry ({@code id:base64} or bare base64) is the committed one. */
    static boolean isDevelopmentKey(String entry) {
        String trimmed = entry.trim();
        int colon = trimmed.indexOf(':');
        String id = colon < 0 ? null : trimmed.substring(0, colon).trim();
        String key = colon < 0 ? trimmed : trimmed.substring(colon + 1).trim();
        return KEY_ID.equals(id) || KEY.equals(key);
    }

    private static ConfigurationException refused(SettingsSource source, String key, String why) {
        return source.invalid(key, "a production secret, not a development one (" + why + "), because"
                + " {{wechat.api.base-url}} is not this instance's own sandbox (wechat.sandbox.enabled with"
                + " http://127.0.0.1:{{wechat.sandbox.port}}): set " + SettingsSource.environmentName(key));
    }
}
