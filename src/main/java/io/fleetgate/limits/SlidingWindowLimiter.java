package io.fleetgate.limits;

import java.time.Duration;
import java.util.List;

/**
 * Exact sliding-window limits: each key keeps the times of its accepted requests, and a request is
 * accepted when fewer than {@code limit} of them are younger than the window. A slot frees exactly
 * when the oldest accepted request is one window old. A refused request is not counted.
 */
public interface SlidingWindowLimiter {

    /**
     * Counts the request under every quota, or under none: it is accepted only when each quota has
     * room, and the check and the counting are one atomic step.
     *
     * @return one decision per quota, in the same order. A decision's {@code allowed} says whether
     *     that quota had room; the request was counted only if all of them did. The remaining
     *     count of a quota that had room in a refused request does not include it.
     * @throws LimiterUnavailableException when the backing store cannot be reached in time
     */
    List<LimitDecision> acquireAll(List<Quota> quotas);

    /** Checks and counts one request under one key; see {@link #acquireAll}. */
    default LimitDecision acquire(String key, int limit, Duration window) {
        return acquireAll(List.of(new Quota(key, limit, window))).getFirst();
    }
}
