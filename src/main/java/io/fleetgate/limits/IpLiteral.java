package io.fleetgate.limits;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Reads an IP address written as a literal, and never anything else: a header entry such as
 * {@code evil.example} must not make the gateway resolve a name on the request path.
 */
final class IpLiteral {
    private IpLiteral() {
    }

    /**
     * {@code 192.0.2.1}, {@code 2001:db8::1}, and the forms proxies write with a port
     * ({@code 192.0.2.1:4711}, {@code [2001:db8::1]:4711}); empty for anything else.
     */
    static Optional<InetAddress> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.trim();
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || !(close == s.length() - 1 || isPort(s.substring(close + 1)))) {
                return Optional.empty();
            }
            return ipv6(s.substring(1, close));
        }
        int colon = s.indexOf(':');
        if (colon < 0) {
            return ipv4(s);
        }
        if (colon == s.lastIndexOf(':') && s.indexOf('.') >= 0) {
            return isPort(s.substring(colon)) ? ipv4(s.substring(0, colon)) : Optional.empty();
        }
        return ipv6(s);
    }

    /** The usual text for an address: dotted quad, or RFC 5952's shortest IPv6 form. */
    static String format(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] bytes = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++) {
            int length = 0;
            while (i + length < 8 && groups[i + length] == 0) {
                length++;
            }
            if (length > bestLength) {
                bestStart = i;
                bestLength = length;
            }
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    private static Optional<InetAddress> ipv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            // no leading zeros: some parsers read them as octal, so they are ambiguous
            if (part.isEmpty() || part.length() > 3 || !digits(part) || (part.length() > 1 && part.charAt(0) == '0')) {
                return Optional.empty();
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                return Optional.empty();
            }
            bytes[i] = (byte) value;
        }
        return byAddress(bytes);
    }

    private static Optional<InetAddress> ipv6(String s) {
        // only hex digits, colons and an embedded dotted quad: no zone id, no host name
        if (s.length() < 2 || s.length() > 45 || s.indexOf(':') < 0) {
            return Optional.empty();
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
                return Optional.empty();
            }
        }
        try {
            // a string with a colon is parsed as an IPv6 literal or refused, never looked up
            return Optional.of(InetAddress.getByName(s));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static Optional<InetAddress> byAddress(byte[] bytes) {
        try {
            return Optional.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static boolean isPort(String colonAndDigits) {
        return colonAndDigits.length() > 1 && colonAndDigits.length() <= 6 && colonAndDigits.charAt(0) == ':'
                && digits(colonAndDigits.substring(1));
    }

    private static boolean digits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
