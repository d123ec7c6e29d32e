package io.wechatopen.camel.config;

import java.util.Arrays;
import java.util.List;

/**
 * The quota tools' settings (issue 10).
 *
 * @param watchedApis {@code wechat.quota.watched-apis}: the cgi_paths whose quota the scheduled refresh reads with
 *        the component token, shown in the admin status and checked by the {@code wechat-quota} health check
 */
public record QuotaSettings(List<String> watchedApis) {

    /** The default of {@code wechat.quota.watched-apis}: the component APIs the bundle itself calls most. */
    public static final String DEFAULT_WATCHED_APIS = "/cgi-bin/component/api_component_token,"
            + "/cgi-bin/component/api_create_preauthcode,/cgi-bin/component/api_query_auth,"
            + "/cgi-bin/component/api_authorizer_token";

    public QuotaSettings {
        watchedApis = List.copyOf(watchedApis);
    }

    /** @throws ConfigurationException when a watched API is not a path such as {@code /cgi-bin/...} */
    public static QuotaSettings from(SettingsSource source) {
        List<String> apis = Arrays.stream(source.string("wechat.quota.watched-apis", DEFAULT_WATCHED_APIS).split(","))
                .map(String::strip).filter(api -> !api.isEmpty()).distinct().toList();
        for (String api : apis) {
            if (!api.startsWith("/") || api.contains("?") || api.contains("://") || api.length() > 128) {
                throw source.invalid("wechat.quota.watched-apis",
                        "comma-separated API paths such as /cgi-bin/component/api_component_token");
            }
        }
        return new QuotaSettings(apis);
    }
}
