package io.fleetgate.limits;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a {@link FailurePolicy} in front of a limiter whose store may be unreachable: the request
 * gets the policy's answer as soon as the store fails (the store's own timeout bounds the wait),
 * each failure is counted for the metrics, and the log gets one line when failures start and then
 * at most one per {@code logInterval}, not one per request.
 */
public final class ResilientLimiter implements SlidingWindowLimiter {
    private static final Logger LOG = LoggerFactory.getLogger(ResilientLimiter.class);

    private final SlidingWindowLimiter store;
    private final FailurePolicy policy;
    private final Clock clock;
    private final long logIntervalMillis;
    private final LongAdder failures = new LongAdder();
    private final AtomicLong nextLogAt = new AtomicLong(Long.MIN_VALUE);
    private final AtomicBoolean failing = new AtomicBoolean();

    public ResilientLimiter(SlidingWindowLimiter store, FailurePolicy policy, Clock clock) {
        this(store, policy, clock, Duration.ofSeconds(30));
    }

    public ResilientLimiter(SlidingWindowLimiter store, FailurePolicy policy, Clock clock, Duration logInterval) {
        this.store = store;
        this.policy = policy;
        this.clock = clock;
        this.logIntervalMillis = logInterval.toMillis();
    }

    @Override
    public List<LimitDecision> acquireAll(List<Quota> quotas) {
        try {
            List<LimitDecision> decisions = store.acquireAll(quotas);
            reachable();
            return decisions;
        } catch (LimiterUnavailableException e) {
            unavailable(e);
            return quotas.stream().map(this::byPolicy).toList();
        }
    }

    @Override
    public CompletionStage<List<LimitDecision>> acquireAllAsync(List<Quota> quotas) {
        return store.acquireAllAsync(quotas).handle((decisions, failure) -> {
            if (failure == null) {
                reachable();
                return decisions;
            }
            unavailable(unavailableOrRethrown(failure));
            return quotas.stream().map(this::byPolicy).toList();
        });
    }

    @Override
    public LimitDecision peek(Quota quota) {
        try {
            LimitDecision decision = store.peek(quota);
            reachable();
            return decision;
        } catch (LimiterUnavailableException e) {
            unavailable(e);
            return byPolicy(quota);
        }
    }

    /** A release the store cannot make is given up: the request stays counted until its window passes. */
    @Override
    public void releaseNewest(String key) {
        try {
            store.releaseNewest(key);
            reachable();
        } catch (LimiterUnavailableException e) {
            unavailable(e);
        }
    }

    @Override
    public CompletionStage<Void> releaseNewestAsync(String key) {
        return store.releaseNewestAsync(key).handle((released, failure) -> {
            if (failure == null) {
                reachable();
            } else {
                unavailable(unavailableOrRethrown(failure));
            }
            return null;
        });
    }

    @Override
    public boolean decidesInProcess() {
        return store.decidesInProcess();
    }

    /** Decisions the store could not make, since this limiter was created (for the metrics). */
    public long failures() {
        return failures.sum();
    }

    public FailurePolicy policy() {
        return policy;
    }

    /**
     * Fail-open admits without knowing the count, so it reports the whole limit as remaining;
     * fail-closed asks the client to come back in a second, when the store may be back.
     */
    private LimitDecision byPolicy(Quota quota) {
        return switch (policy) {
            case FAIL_OPEN -> new LimitDecision(true, quota.limit(), quota.limit(), 0, 0);
            case FAIL_CLOSED -> new LimitDecision(false, quota.limit(), 0, 1, 1);
        };
    }

    /** The store's failure to answer; anything else (a bug, bad arguments) is not the policy's to hide. */
    private static LimiterUnavailableException unavailableOrRethrown(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof LimiterUnavailableException unavailable) {
            return unavailable;
        }
        throw cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
    }

    private void reachable() {
        if (failing.compareAndSet(true, false)) {
            LOG.info("Rate-limit store reachable again after {} failed decisions in all", failures.sum());
        }
    }

    private void unavailable(LimiterUnavailableException e) {
        failures.increment();
        failing.set(true);
        logRarely(e);
    }

    private void logRarely(LimiterUnavailableException e) {
        long now = clock.millis();
        long due = nextLogAt.get();
        if (now >= due && nextLogAt.compareAndSet(due, now + logIntervalMillis)) {
            LOG.warn("Rate-limit store unavailable ({}); applying {}; failures so far: {}",
                    e.getMessage(), policy, failures.sum());
        }
    }
}
