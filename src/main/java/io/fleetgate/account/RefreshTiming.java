package io.fleetgate.account;

import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * When a Tesla access token is refreshed: at {@code atPercent} of its lifetime (75 % of 8 h by
 * default), moved by up to {@code jitterPercent} of the lifetime either way so that accounts added
 * together do not all refresh in the same second; and how failed refreshes back off.
 *
 * @param maxLifetime     the longest an access token is trusted, whatever {@code expires_in} says
 */
public record RefreshTiming(Duration maxLifetime, int atPercent, int jitterPercent,
                            Duration initialBackoff, Duration maxBackoff) {

    public RefreshTiming {
        if (atPercent < 1 || atPercent > 99 || jitterPercent < 0 || jitterPercent >= Math.min(atPercent, 100 - atPercent)) {
            throw new IllegalArgumentException("refresh-at-percent must be 1..99 and the jitter smaller than the margin either side");
        }
    }

    /** How long a token issued now with Tesla's {@code expires_in} is used. */
    public Duration lifetime(long expiresInSeconds) {
        Duration told = Duration.ofSeconds(expiresInSeconds);
        return expiresInSeconds <= 0 || told.compareTo(maxLifetime) > 0 ? maxLifetime : told;
    }

    /** When a token issued at {@code issuedAt} that expires at {@code expiresAt} is refreshed. */
    public Instant refreshAt(Instant issuedAt, Instant expiresAt, RandomGenerator random) {
        long lifetimeMs = Duration.between(issuedAt, expiresAt).toMillis();
        long jitterMs = jitterPercent == 0 ? 0 : random.nextLong(-lifetimeMs * jitterPercent / 100, lifetimeMs * jitterPercent / 100 + 1);
        return issuedAt.plusMillis(lifetimeMs * atPercent / 100 + jitterMs);
    }

    /** The wait after the n-th failure in a row (n from 1): doubling from the initial backoff, capped. */
    public Duration backoff(int failures) {
        Duration wait = initialBackoff.multipliedBy(1L << Math.min(Math.max(failures - 1, 0), 30));
        return wait.compareTo(maxBackoff) > 0 || wait.isNegative() ? maxBackoff : wait;
    }
}
