package io.fleetgate.limits;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the settings that hold some callers to other limits than the defaults:
 * {@code fleetgate.limits.ip.overrides}, per-IP limits of client networks ({@code <CIDR>:<per IP>},
 * e.g. an enterprise's NAT egress {@code 203.0.113.0/24:600}), and
 * {@code fleetgate.limits.account-overrides}, per-site limits of accounts ({@code <account id>:<per site>}).
 *
 * <p>A per-IP limit cannot belong to an account: it is decided before the token is read, so that
 * a request refused for its address never has its token looked up and every answer past the limit
 * is the same 429 whatever token came with it. The network is what is known by then.
 */
public final class RateLimitOverrides {
    private RateLimitOverrides() {
    }

    /**
     * @param entries {@code <account id>:<per site>} each, as {@code Settings.list} splits the setting
     * @return per-site limits by account id
     * @throws IllegalArgumentException for an entry that does not read so, an account named twice, or
     *     the earlier {@code <account id>:<per IP>/<per site>} form: a typo in an enterprise agreement,
     *     or a per-IP limit that would no longer apply, must stop startup, not quietly apply the defaults
     */
    public static Map<String, Integer> perSiteByAccount(List<String> entries) {
        Map<String, Integer> overrides = new LinkedHashMap<>();
        for (String entry : entries) {
            // the last colon: the limit never holds one, an account id might
            int colon = entry.lastIndexOf(':');
            if (colon >= 1 && entry.indexOf('/', colon + 1) >= 0) {
                throw new IllegalArgumentException("fleetgate.limits.account-overrides: '" + entry + "' sets a per-IP limit for"
                        + " an account, but the per-IP limit is decided before the token is read, so it cannot depend on the"
                        + " account: keep the per-site limit here (<account id>:<per site>) and give the account's client"
                        + " addresses their per-IP limit in fleetgate.limits.ip.overrides (<CIDR>:<per IP>)");
            }
            if (colon < 1) {
                throw malformedAccount(entry, null);
            }
            String account = entry.substring(0, colon).trim();
            int perSite = positive(entry.substring(colon + 1), entry, true);
            if (account.isEmpty() || overrides.putIfAbsent(account, perSite) != null) {
                throw malformedAccount(entry, null);
            }
        }
        return overrides;
    }

    /**
     * @param entries {@code <CIDR>:<per IP>} each; an IPv6 block's colons are its own, the last one
     *     separates the limit
     * @throws IllegalArgumentException for an entry that does not read so, or a block named twice
     */
    public static NetworkLimits perIpByNetwork(List<String> entries) {
        List<NetworkLimits.Entry> networks = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (String entry : entries) {
            int colon = entry.lastIndexOf(':');
            if (colon < 1) {
                throw malformedNetwork(entry, null);
            }
            String block = entry.substring(0, colon).trim();
            Cidr cidr;
            try {
                cidr = Cidr.parse(block);
            } catch (IllegalArgumentException e) {
                throw malformedNetwork(entry, e);
            }
            if (seen.contains(block)) {
                throw malformedNetwork(entry, null);
            }
            seen.add(block);
            networks.add(new NetworkLimits.Entry(cidr, positive(entry.substring(colon + 1), entry, false)));
        }
        return new NetworkLimits(networks);
    }

    private static int positive(String text, String entry, boolean account) {
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= 1) {
                return value;
            }
        } catch (NumberFormatException e) {
            throw account ? malformedAccount(entry, e) : malformedNetwork(entry, e);
        }
        throw account ? malformedAccount(entry, null) : malformedNetwork(entry, null);
    }

    private static IllegalArgumentException malformedAccount(String entry, Exception cause) {
        return new IllegalArgumentException("fleetgate.limits.account-overrides: '" + entry
                + "' is not <account id>:<per site> (a positive whole number, each account once)", cause);
    }

    private static IllegalArgumentException malformedNetwork(String entry, Exception cause) {
        return new IllegalArgumentException("fleetgate.limits.ip.overrides: '" + entry
                + "' is not <CIDR>:<per IP> (e.g. 203.0.113.0/24:600; a positive whole number, each block once)", cause);
    }
}
