package io.fleetgate.account;

import java.time.Instant;
import java.util.Set;

/** What an account may reach through Fleetgate, and until when ({@code activeUntil} null: no end). */
public record Subscription(Instant activeUntil, Set<String> vins, Set<Long> energySites) {

    public Subscription {
        vins = Set.copyOf(vins);
        energySites = Set.copyOf(energySites);
    }

    public boolean isActive(Instant now) {
        return activeUntil == null || now.isBefore(activeUntil);
    }

    public boolean coversVin(String vin) {
        return vins.contains(vin);
    }

    public boolean coversEnergySite(long siteId) {
        return energySites.contains(siteId);
    }
}
