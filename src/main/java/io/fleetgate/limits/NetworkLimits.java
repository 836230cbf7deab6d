package io.fleetgate.limits;

import java.net.InetAddress;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Per-IP limits of client networks ({@code fleetgate.limits.ip.overrides}): an address in one of
 * the blocks is held to the block's limit instead of the default; in several, to the most specific
 * block's. Each address still has a window of its own.
 */
public final class NetworkLimits {
    /** No overrides: every address gets the default. */
    public static final NetworkLimits NONE = new NetworkLimits(List.of());

    private final List<Entry> mostSpecificFirst;

    NetworkLimits(List<Entry> entries) {
        this.mostSpecificFirst = entries.stream()
                .sorted(Comparator.comparingInt((Entry e) -> e.network().prefixBits()).reversed())
                .toList();
    }

    /** @param clientIp as {@link ClientAddressResolver} gives it */
    public int limitFor(String clientIp, int defaultLimit) {
        if (mostSpecificFirst.isEmpty()) {
            return defaultLimit;
        }
        Optional<InetAddress> address = IpLiteral.parse(clientIp);
        if (address.isEmpty()) {
            return defaultLimit;
        }
        for (Entry entry : mostSpecificFirst) {
            if (entry.network().contains(address.get())) {
                return entry.perIp();
            }
        }
        return defaultLimit;
    }

    record Entry(Cidr network, int perIp) {
    }
}
