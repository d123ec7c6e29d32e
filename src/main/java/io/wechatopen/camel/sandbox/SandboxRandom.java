package io.wechatopen.camel.sandbox;

import java.security.SecureRandom;

/** Random url-safe text for the values the sandbox mints (tickets, tokens, codes), shaped like WeChat's. */
final class SandboxRandom {

    private static final String URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private SandboxRandom() {
    }

    /** {@code length} characters from {@code [A-Za-z0-9_-]}. */
    static String urlSafe(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(URL_SAFE.charAt(RANDOM.nextInt(URL_SAFE.length())));
        }
        return sb.toString();
    }
}
