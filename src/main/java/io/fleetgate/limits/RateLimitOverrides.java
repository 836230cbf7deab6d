package io.fleetgate.limits;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code fleetgate.limits.account-overrides}: entries {@code <account id>:<per IP>/<per site>},
 * e.g. {@code acme-fleet:600/300}, for accounts held to other limits than the defaults.
 */
public final class RateLimitOverrides {
    private RateLimitOverrides() {
    }

    /**
     * @param entries one override each, as {@code Settings.list} splits the setting
     * @throws IllegalArgumentException for an entry that does not read so, or an account named twice:
     *     a typo in an enterprise agreement must stop startup, not quietly apply the defaults
     */
    public static Map<String, RateLimits> parse(List<String> entries) {
        Map<String, RateLimits> overrides = new LinkedHashMap<>();
        for (String entry : entries) {
            // the last colon: the limits never hold one, an account id might
            int colon = entry.lastIndexOf(':');
            int slash = entry.indexOf('/', colon + 1);
            if (colon < 1 || slash < 0) {
                throw malformed(entry, null);
            }
            String account = entry.substring(0, colon).trim();
            RateLimits limits;
            try {
                limits = new RateLimits(Integer.parseInt(entry.substring(colon + 1, slash).trim()),
                        Integer.parseInt(entry.substring(slash + 1).trim()));
            } catch (IllegalArgumentException e) {
                throw malformed(entry, e);
            }
            if (account.isEmpty() || overrides.putIfAbsent(account, limits) != null) {
                throw malformed(entry, null);
            }
        }
        return overrides;
    }

    private static IllegalArgumentException malformed(String entry, Exception cause) {
        return new IllegalArgumentException("fleetgate.limits.account-overrides: '" + entry
                + "' is not <account id>:<per IP>/<per site> (positive whole numbers, each account once)", cause);
    }
}
