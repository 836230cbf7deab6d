package io.fleetgate.vcp.vehicle;

import io.fleetgate.vcp.Domain;
import java.time.Duration;
import java.util.Set;

/**
 * Where the simulated vehicle is stricter than the reference SDK's verifier: domains that need
 * strictly increasing counters (VCSEC on real cars, per the protocol notes), and a cap on how
 * far ahead a command may expire (real cars cap it; the value is not published).
 *
 * @param strictCounterDomains domains that refuse any counter not above the highest accepted
 * @param maxTimeToLive longest accepted {@code expires_at - now}; null for no cap
 * @param maxSecondsWithoutCounter TTL allowed for counter-0 or out-of-order messages (30 s)
 */
public record VerifierPolicy(Set<Domain> strictCounterDomains, Duration maxTimeToLive, long maxSecondsWithoutCounter) {

    public VerifierPolicy {
        strictCounterDomains = Set.copyOf(strictCounterDomains);
    }

    /** The simulator's default: strict VCSEC counters, commands expiring at most 60 s ahead. */
    public static VerifierPolicy defaults() {
        return new VerifierPolicy(Set.of(Domain.VCSEC), Duration.ofSeconds(60), 30);
    }

    /** Exactly the reference SDK's verifier: a sliding window everywhere, no TTL cap. */
    public static VerifierPolicy reference() {
        return new VerifierPolicy(Set.of(), null, 30);
    }

    boolean strictCounters(Domain domain) {
        return strictCounterDomains.contains(domain);
    }
}
