package io.fleetgate.limits;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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

    /**
     * {@link #acquireAll} as a future, for event-loop callers: a store over the network answers it
     * without a thread waiting; one in memory has answered when it returns. A store that cannot
     * be reached fails it with {@link LimiterUnavailableException}.
     */
    default CompletionStage<List<LimitDecision>> acquireAllAsync(List<Quota> quotas) {
        try {
            return CompletableFuture.completedFuture(acquireAll(quotas));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Checks and counts one request under one key; see {@link #acquireAll}. */
    default LimitDecision acquire(String key, int limit, Duration window) {
        return acquireAll(List.of(new Quota(key, limit, window))).getFirst();
    }

    /**
     * What {@link #acquireAll} would answer for this quota now, counting nothing: whether it has
     * room, how many requests it holds and when its next slot frees. For limits that count only
     * some outcomes (failed admin authentications), checked before the outcome is known.
     *
     * @throws LimiterUnavailableException when the backing store cannot be reached in time
     */
    LimitDecision peek(Quota quota);

    /**
     * Un-counts the newest request counted under {@code key}: one a later limit refused, since a
     * refused request is not counted (CONTRACT section 3). When requests under one key race, it
     * may be another's slot that is taken back; the count is the same, and the window frees at
     * most a moment early. Nothing happens when the key counts nothing.
     *
     * @throws LimiterUnavailableException when the backing store cannot be reached in time
     */
    void releaseNewest(String key);

    /** {@link #releaseNewest} as a future, for event-loop callers; see {@link #acquireAllAsync}. */
    default CompletionStage<Void> releaseNewestAsync(String key) {
        try {
            releaseNewest(key);
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Whether decisions are made in this process without I/O, in well under a microsecond, so
     * that an event-loop thread may ask for them; otherwise they belong on a worker thread.
     */
    default boolean decidesInProcess() {
        return false;
    }
}
