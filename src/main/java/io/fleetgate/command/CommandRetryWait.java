package io.fleetgate.command;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * A command's wait for its next attempt until {@link CommandExchange#RETRY_DUE_AT} (the retry
 * policy's backoff, or a 429's Retry-After), holding no thread. Nothing of the command is with
 * Tesla meanwhile, so when its partition begins to move to another replica the wait ends at once
 * and the command stops at the hand-over check after it, with the due time in its
 * {@code handed_over} mark: a hand-over never waits out a backoff of up to a minute and a half.
 * The next owner's command waits here, before its first attempt, until that time.
 */
public final class CommandRetryWait extends AsyncProcessorSupport {
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Predicate<OffsetTracker.Assignment> stillHere;
    private final Map<Integer, Set<Waiting>> waitingByPartition = new ConcurrentHashMap<>();

    /** @param stillHere whether the command's partition is still this replica's to run (not being handed over) */
    CommandRetryWait(ScheduledExecutorService scheduler, Clock clock, Predicate<OffsetTracker.Assignment> stillHere) {
        this.scheduler = scheduler;
        this.clock = clock;
        this.stillHere = stillHere;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Instant due = exchange.getProperty(CommandExchange.RETRY_DUE_AT, Instant.class);
        long millis = due == null ? 0 : Duration.between(clock.instant(), due).toMillis();
        if (millis <= 0) {
            exchange.removeProperty(CommandExchange.RETRY_DUE_AT);
            callback.done(true);
            return true;
        }
        OffsetTracker.Assignment assignment = exchange.getProperty(CommandExchange.ASSIGNMENT, OffsetTracker.Assignment.class);
        Waiting waiting = new Waiting(exchange, callback, assignment == null ? null : assignment.partition());
        if (waiting.partition != null) {
            waitingByPartition.computeIfAbsent(waiting.partition, p -> ConcurrentHashMap.newKeySet()).add(waiting);
        }
        waiting.timer = scheduler.schedule(() -> waiting.end(true), millis, TimeUnit.MILLISECONDS);
        if (assignment != null && !stillHere.test(assignment)) {
            waiting.end(false); // the hand-over began before this wait did
        }
        return false;
    }

    /** The partitions begin to move to another replica: the commands waiting on them go on to the hand-over check now. */
    void cutShort(Collection<Integer> partitions) {
        for (Integer partition : partitions) {
            Set<Waiting> waiting = waitingByPartition.get(partition);
            if (waiting != null) {
                List.copyOf(waiting).forEach(w -> w.end(false));
            }
        }
    }

    private final class Waiting {
        private final Exchange exchange;
        private final AsyncCallback callback;
        private final Integer partition;
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile ScheduledFuture<?> timer;

        Waiting(Exchange exchange, AsyncCallback callback, Integer partition) {
            this.exchange = exchange;
            this.callback = callback;
            this.partition = partition;
        }

        void end(boolean due) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            if (partition != null) {
                waitingByPartition.computeIfPresent(partition, (p, set) -> {
                    set.remove(this);
                    return set.isEmpty() ? null : set;
                });
            }
            if (due) {
                exchange.removeProperty(CommandExchange.RETRY_DUE_AT);
                callback.done(false);
                return;
            }
            // cut short: the due time stays for the handed_over mark; the command goes on on a
            // scheduler thread, not the consumer's that is handing the partition over
            ScheduledFuture<?> scheduled = timer;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
            scheduler.execute(() -> callback.done(false));
        }
    }
}
