package io.fleetgate.limits;

import java.net.InetAddress;

/** An address block such as {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a bare address is a block of one. */
final class Cidr {
    private final byte[] network;
    private final int prefixBits;

    private Cidr(byte[] network, int prefixBits) {
        this.network = network;
        this.prefixBits = prefixBits;
    }

    /** @throws IllegalArgumentException for anything but an IP literal with an optional prefix length */
    static Cidr parse(String text) {
        String s = text.trim();
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        byte[] network = IpLiteral.parse(address)
                .filter(a -> address.indexOf(']') < 0 && !hasPort(address))
                .map(InetAddress::getAddress)
                .orElseThrow(() -> new IllegalArgumentException("not a CIDR block: '" + text + "'"));
        int bits = network.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a CIDR block: '" + text + "'", e);
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("prefix length out of range in '" + text + "'");
            }
        }
        return new Cidr(network, prefix);
    }

    /** How many leading bits the block fixes: the larger, the more specific the block. */
    int prefixBits() {
        return prefixBits;
    }

    boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != network.length) {
            return false;
        }
        int fullBytes = prefixBits / 8;
        for (int i = 0; i < fullBytes; i++) {
            if (bytes[i] != network[i]) {
                return false;
            }
        }
        int restBits = prefixBits % 8;
        if (restBits == 0) {
            return true;
        }
        int mask = (0xff << (8 - restBits)) & 0xff;
        return (bytes[fullBytes] & mask) == (network[fullBytes] & mask);
    }

    private static boolean hasPort(String address) {
        return address.indexOf('.') >= 0 && address.indexOf(':') >= 0 && address.indexOf(':') == address.lastIndexOf(':');
    }
}
