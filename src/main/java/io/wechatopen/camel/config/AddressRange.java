package io.wechatopen.camel.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IP address range in CIDR form ({@code 10.0.0.0/8}, {@code ::1/128}) or a single literal address. Parsing never
 * looks a name up: only IPv4 and IPv6 literals are accepted.
 */
public final class AddressRange {

    private final byte[] network;
    private final int prefixLength;
    private final String text;

    private AddressRange(byte[] network, int prefixLength, String text) {
        this.network = network;
        this.prefixLength = prefixLength;
        this.text = text;
    }

    /** @throws IllegalArgumentException when {@code cidr} is not an IP literal with an optional valid prefix length */
    public static AddressRange parse(String cidr) {
        String trimmed = cidr.trim();
        int slash = trimmed.indexOf('/');
        String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] bytes = literal(address);
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(trimmed.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a prefix length: " + trimmed);
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("prefix length out of range: " + trimmed);
            }
        }
        return new AddressRange(mask(bytes, prefix), prefix, trimmed);
    }

    /** Whether {@code address} lies in this range (an IPv4-mapped IPv6 address counts as its IPv4 address). */
    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 16 && network.length == 4 && isIpv4Mapped(bytes)) {
            bytes = Arrays.copyOfRange(bytes, 12, 16);
        }
        return bytes.length == network.length && Arrays.equals(mask(bytes, prefixLength), network);
    }

    private static boolean isIpv4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }

    private static byte[] literal(String address) {
        boolean ipv4 = address.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean ipv6 = address.contains(":") && address.matches("[0-9A-Fa-f:.]+");
        if (!ipv4 && !ipv6) {
            throw new IllegalArgumentException("not an IP address literal: " + address);
        }
        try {
            // A literal: no name service lookup happens.
            return InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address literal: " + address);
        }
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] masked = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            masked[i] = (byte) (bytes[i] & (0xff << (8 - bits)));
        }
        return masked;
    }

    @Override
    public String toString() {
        return text;
    }
}
