package io.wechatopen.camel.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of one-time values (states, authorization codes), which are stored only hashed. */
public final class Hashes {

    private Hashes() {
    }

    /** Lowercase hex SHA-256 of the UTF-8 parts joined by {@code ':'}. */
    public static String sha256Hex(String... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(String.join(":", parts).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
