package io.fleetgate.region;

import java.util.Locale;
import java.util.Optional;

/** Tesla's three Fleet API regions; the lower-case code is what callers see in {@code x-region}. */
public enum Region {
    NA, EU, CN;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Region> fromCode(String code) {
        if (code == null) {
            return Optional.empty();
        }
        for (Region region : values()) {
            if (region.code().equalsIgnoreCase(code.trim())) {
                return Optional.of(region);
            }
        }
        return Optional.empty();
    }
}
