package io.wechatopen.camel.config;

import java.time.Duration;

/**
 * The database and the keys that seal secrets at rest.
 *
 * @param url {@code wechat.datasource.url}; an H2 URL other than {@code jdbc:h2:mem:} is opened with
 *        {@code WRITE_DELAY=0} whatever it says (see {@code DataSources})
 * @param username {@code wechat.datasource.username}
 * @param password {@code wechat.datasource.password} (secret; may be empty)
 * @param maximumPoolSize {@code wechat.datasource.maximum-pool-size}
 * @param connectionTimeout {@code wechat.datasource.connection-timeout}
 * @param encryptionKeys {@code wechat.store.encryption-key}: {@code id:base64} entries separated by commas, the
 *        first one used to seal; a bare base64 key gets id {@code k1} (secret)
 */
public record StoreSettings(String url, String username, String password, int maximumPoolSize,
        Duration connectionTimeout, String encryptionKeys) {

    static StoreSettings from(SettingsSource source) {
        return new StoreSettings(
                source.string("wechat.datasource.url", "jdbc:h2:file:./data/wechat;AUTO_SERVER=TRUE;WRITE_DELAY=0"),
                source.string("wechat.datasource.username", "sa"), source.string("wechat.datasource.password", ""),
                source.integer("wechat.datasource.maximum-pool-size", 10),
                source.duration("wechat.datasource.connection-timeout", Duration.ofSeconds(10)),
                source.required("wechat.store.encryption-key"));
    }

    @Override
    public String toString() {
        return "StoreSettings[url=" + url + ", username=" + username + "]";
    }
}
