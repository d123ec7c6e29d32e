package io.wechatopen.camel.relay;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;

import io.wechatopen.camel.config.RelaySettings;

/**
 * The allow-list of relay clients ({@code wechat.relay.clients}). Only SHA-256 hashes of their secrets are kept;
 * a presented bearer is hashed and compared with every client's hash in constant time (no early exit), so neither
 * the comparison nor the number of clients tried tells a caller how close it came. Thread-safe.
 */
public final class RelayClients {

    private record Known(RelaySettings.Client client, byte[] secretHash) {
    }

    private static final String BEARER = "Bearer ";

    private final List<Known> known;

    public RelayClients(List<RelaySettings.Client> clients) {
        this.known = clients.stream().map(client -> new Known(
                new RelaySettings.Client(client.name(), "", client.components()), sha256(client.secret()))).toList();
    }

    /**
     * @param authorization the request's {@code Authorization} header, or null
     * @return the client whose secret it carries as a bearer token (its {@code secret} blanked), or empty
     */
    public Optional<RelaySettings.Client> identify(String authorization) {
        if (authorization == null || !authorization.startsWith(BEARER)) {
            return Optional.empty();
        }
        byte[] presented = sha256(authorization.substring(BEARER.length()));
        RelaySettings.Client match = null;
        for (Known each : known) {
            if (MessageDigest.isEqual(presented, each.secretHash()) && match == null) {
                match = each.client();
            }
        }
        return Optional.ofNullable(match);
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
