package io.wechatopen.camel.store;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets (tickets, tokens, decrypted pushes) before they are written to the database, with AES-256-GCM.
 *
 * <p>Built from the {@code wechat.store.encryption-key} setting: comma-separated {@code id:base64key} entries, or one
 * bare base64 key which gets the id {@value #DEFAULT_KEY_ID}. Every key decodes to 32 bytes and every id matches
 * {@code [A-Za-z0-9_-]{1,16}}. The first key seals; every key opens, so a key is rotated by putting a new entry first
 * and dropping the old one once nothing sealed with it is left.
 *
 * <p>A sealed value reads {@code v1:<keyId>:<base64(12-byte random IV | ciphertext | 16-byte tag)>}. The caller's
 * {@code context} (e.g. {@code "wechat_component.access_token:" + componentAppid}) is the GCM additional
 * authenticated data: it is not stored, and a value copied to another row or column does not open.
 *
 * <p>Instances are immutable and thread-safe. No message, exception or {@link #toString()} ever contains key material
 * or plaintext.
 */
public final class SecretSealer {

    /** The id given to a key configured without one. */
    public static final String DEFAULT_KEY_ID = "k1";

    private static final String SETTING = "{{wechat.store.encryption-key}}";
    private static final String FORMAT_VERSION = "v1";
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,16}");
    private static final int KEY_LENGTH = 32;
    private static final int IV_LENGTH = 12;
    private static final int TAG_BITS = 128;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String sealingKeyId;
    private final Map<String, SecretKey> keys;

    private SecretSealer(String sealingKeyId, Map<String, SecretKey> keys) {
        this.sealingKeyId = sealingKeyId;
        this.keys = keys;
    }

    /**
     * Parses the {@code wechat.store.encryption-key} value.
     *
     * @param encryptionKeys {@code id:base64key[,id:base64key...]} or one bare base64 key
     * @return a sealer that seals with the first key and opens with any of them
     * @throws IllegalArgumentException when the value is empty, an entry lacks an id among several, an id is invalid
     *         or repeated, or a key is not base64 of 32 bytes; the message names the entry, never its key
     */
    public static SecretSealer fromKeys(String encryptionKeys) {
        if (encryptionKeys == null || encryptionKeys.isBlank()) {
            throw new IllegalArgumentException(SETTING + " is empty: set one base64 AES-256 key (32 bytes), "
                    + "or id:key entries separated by commas");
        }
        String[] entries = encryptionKeys.split(",", -1);
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].trim();
            String where = "entry " + (i + 1) + " of " + SETTING;
            int colon = entry.indexOf(':');
            String id;
            String encoded;
            if (colon < 0) {
                if (entries.length > 1) {
                    throw new IllegalArgumentException(where + " has no key id: with several keys every entry must "
                            + "read id:base64key");
                }
                id = DEFAULT_KEY_ID;
                encoded = entry;
            } else {
                id = entry.substring(0, colon).trim();
                encoded = entry.substring(colon + 1).trim();
            }
            if (!KEY_ID.matcher(id).matches()) {
                throw new IllegalArgumentException(where + " has an invalid key id: expected 1 to 16 characters "
                        + "from A-Z a-z 0-9 _ -");
            }
            if (keys.containsKey(id)) {
                throw new IllegalArgumentException(where + " repeats the key id " + id);
            }
            keys.put(id, decodeKey(encoded, where + " (key id " + id + ")"));
        }
        return new SecretSealer(keys.keySet().iterator().next(), Map.copyOf(keys));
    }

    private static SecretKey decodeKey(String encoded, String where) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            // The decoder's message quotes the offending character: not passed on, it is part of a key.
            throw new IllegalArgumentException(where + " is not valid base64");
        }
        try {
            if (bytes.length != KEY_LENGTH) {
                throw new IllegalArgumentException(where + " decodes to " + bytes.length
                        + " bytes; AES-256 needs 32 bytes (generate one with SecretSealer.generateKey())");
            }
            return new SecretKeySpec(bytes, "AES");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * A fresh random AES-256 key, base64-encoded, usable as the value of {@code wechat.store.encryption-key} (or as
     * the key of an {@code id:key} entry).
     */
    public static String generateKey() {
        byte[] key = new byte[KEY_LENGTH];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /**
     * Seals {@code plaintext} with the first configured key and a fresh random IV, so sealing the same value twice
     * gives different results.
     *
     * @param plaintext the secret, not null
     * @param context where the value is stored, e.g. {@code "wechat_component.verify_ticket:" + componentAppid};
     *        the same context must be given to {@link #open(String, String)}
     * @return {@code v1:<keyId>:<base64>}, ASCII, about 4/3 of the plaintext's UTF-8 length plus 43 characters
     * @throws NullPointerException when an argument is null
     */
    public String seal(String plaintext, String context) {
        Objects.requireNonNull(plaintext, "plaintext");
        Objects.requireNonNull(context, "context");
        byte[] iv = new byte[IV_LENGTH];
        RANDOM.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(sealingKeyId), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[IV_LENGTH + sealed.length];
            System.arraycopy(iv, 0, out, 0, IV_LENGTH);
            System.arraycopy(sealed, 0, out, IV_LENGTH, sealed.length);
            return FORMAT_VERSION + ":" + sealingKeyId + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            // AES/GCM is mandatory in every Java runtime; reaching this means a broken JCE setup.
            throw new IllegalStateException("AES-256-GCM is not available in this Java runtime", e);
        }
    }

    /**
     * Opens a value sealed by {@link #seal(String, String)} with any configured key.
     *
     * @param sealed the stored {@code v1:<keyId>:<base64>} value, not null
     * @param context the context it was sealed with
     * @return the plaintext
     * @throws StoreException when the value is not in the sealed format, names a key id that is not configured, or
     *         fails authentication (wrong key, wrong context, or altered); the message never holds the value
     * @throws NullPointerException when an argument is null
     */
    public String open(String sealed, String context) {
        Objects.requireNonNull(sealed, "sealed");
        Objects.requireNonNull(context, "context");
        String[] parts = sealed.split(":", -1);
        if (parts.length != 3 || !FORMAT_VERSION.equals(parts[0]) || !KEY_ID.matcher(parts[1]).matches()) {
            throw new StoreException("sealed value cannot be opened: not in the v1:<keyId>:<base64> format");
        }
        SecretKey key = keys.get(parts[1]);
        if (key == null) {
            throw new StoreException("sealed value cannot be opened: unknown key id " + parts[1]
                    + " (configured: " + String.join(", ", keyIds()) + "; keep old keys in " + SETTING
                    + " until nothing sealed with them is left)");
        }
        byte[] data;
        try {
            data = Base64.getDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new StoreException("sealed value cannot be opened: not valid base64");
        }
        if (data.length < IV_LENGTH + TAG_BITS / 8) {
            throw new StoreException("sealed value cannot be opened: too short");
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, data, 0, IV_LENGTH));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(data, IV_LENGTH, data.length - IV_LENGTH), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new StoreException("sealed value cannot be opened: authentication failed (wrong key, wrong "
                    + "context or altered value)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available in this Java runtime", e);
        }
    }

    /** The id of the key that {@link #seal(String, String)} uses. */
    public String sealingKeyId() {
        return sealingKeyId;
    }

    /** The ids of all configured keys, the sealing key first. */
    public List<String> keyIds() {
        List<String> ids = new ArrayList<>();
        ids.add(sealingKeyId);
        keys.keySet().stream().filter(id -> !id.equals(sealingKeyId)).sorted().forEach(ids::add);
        return List.copyOf(ids);
    }

    @Override
    public String toString() {
        return "SecretSealer[keyIds=" + keyIds() + "]";
    }
}
