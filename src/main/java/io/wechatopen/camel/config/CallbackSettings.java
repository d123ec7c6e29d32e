package io.wechatopen.camel.config;

import java.time.Duration;

/**
 * How pushes are accepted.
 *
 * @param replayWindow {@code wechat.callback.replay-window}: a push whose timestamp is further than this from now
 *        is refused; within it, the same delivery is refused a second time
 * @param maxBodyBytes largest body accepted (64 KiB per the contract)
 */
public record CallbackSettings(Duration replayWindow, int maxBodyBytes) {

    public static final int MAX_BODY_BYTES = 64 * 1024;

    static CallbackSettings from(SettingsSource source) {
        return new CallbackSettings(source.duration("wechat.callback.replay-window", Duration.ofMinutes(5)),
                MAX_BODY_BYTES);
    }
}
