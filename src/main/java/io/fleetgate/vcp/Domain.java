package io.fleetgate.vcp;

import io.fleetgate.vcp.proto.UniversalMessage;
import java.util.Optional;

/** A vehicle domain that takes signed commands; each has its own key, epoch, clock and counter. */
public enum Domain {
    /** Vehicle security (VCSEC): locks, closures, keychain. */
    VCSEC(UniversalMessage.Domain.DOMAIN_VEHICLE_SECURITY),
    /** Infotainment (CarServer): charging, climate, media, lights, horn, ... */
    INFOTAINMENT(UniversalMessage.Domain.DOMAIN_INFOTAINMENT);

    private final UniversalMessage.Domain proto;

    Domain(UniversalMessage.Domain proto) {
        this.proto = proto;
    }

    public UniversalMessage.Domain proto() {
        return proto;
    }

    public int number() {
        return proto.getNumber();
    }

    public static Optional<Domain> of(UniversalMessage.Domain proto) {
        for (Domain domain : values()) {
            if (domain.proto == proto) {
                return Optional.of(domain);
            }
        }
        return Optional.empty();
    }
}
