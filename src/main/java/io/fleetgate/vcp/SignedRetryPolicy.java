package io.fleetgate.vcp;

import java.time.Duration;
import java.util.Optional;

/**
 * CONTRACT section 5, second table: signed commands are tried at most five times. A stale session
 * is refreshed and tried again at once; a busy or offline vehicle is tried again after 1, 2, 3,
 * 4 s; anything else is the final answer.
 */
public final class SignedRetryPolicy {
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    public static final Duration DEFAULT_STEP = Duration.ofSeconds(1);

    /** Try again after {@code delay}; refresh the session first when {@code refreshSession}. */
    public record Retry(Duration delay, boolean refreshSession) {
    }

    private final int maxAttempts;
    private final Duration step;

    public SignedRetryPolicy(int maxAttempts, Duration step) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        this.maxAttempts = maxAttempts;
        this.step = step;
    }

    public static SignedRetryPolicy contractDefaults() {
        return new SignedRetryPolicy(DEFAULT_MAX_ATTEMPTS, DEFAULT_STEP);
    }

    /** After attempt number {@code attemptsSoFar} (1 for the first) ended in {@code verdict}. */
    public Optional<Retry> next(Verdict verdict, int attemptsSoFar) {
        if (attemptsSoFar >= maxAttempts || !verdict.shouldRetry()) {
            return Optional.empty();
        }
        if (verdict.refreshesSession()) {
            return Optional.of(new Retry(Duration.ZERO, true));
        }
        return Optional.of(new Retry(step.multipliedBy(attemptsSoFar), false));
    }

    public int maxAttempts() {
        return maxAttempts;
    }
}
