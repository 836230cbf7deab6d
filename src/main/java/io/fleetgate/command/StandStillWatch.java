package io.fleetgate.command;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices that this process stood still (a SIGSTOP, a long collection pause, a frozen VM) for
 * long enough that the command group may have given its partitions to another replica, which
 * then runs their commands. Until the {@link CommandConsumer} has settled it (Kafka took a commit
 * of this member's generation, so the partitions are still this replica's, or they were lost and
 * forgotten), no command starts here or goes on past a wait: a replica that wakes up would
 * otherwise send, in the moment before its consumer hears of the loss, what the new owner sent.
 *
 * <p>A ticker thread records the time every eighth of the limit; whoever asks sees a stand-still
 * as soon as the process runs again, before the ticker has, since the last tick is then too old.
 */
public final class StandStillWatch extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger(StandStillWatch.class);

    private final long limitNanos;
    private final LongSupplier nanoTime;
    private final Object lock = new Object();
    private volatile long lastTick;
    /** Stand-stills noticed so far; a confirmation settles those it began after. Guarded by {@link #lock}. */
    private long standStills;
    /** Done while no stand-still waits for its confirmation. Replaced under {@link #lock}; read on every command. */
    private volatile CompletableFuture<Void> settled = CompletableFuture.completedFuture(null);
    private volatile Thread ticker;
    /** Only a started watch notices: a stopped one no longer ticks. */
    private volatile boolean watching;

    /** @param limit a stand-still longer than this is suspect: the session timeout less a heartbeat interval, with room to spare */
    public StandStillWatch(Duration limit) {
        this(limit, System::nanoTime);
    }

    StandStillWatch(Duration limit, LongSupplier nanoTime) {
        this.limitNanos = limit.toNanos();
        this.nanoTime = nanoTime;
        this.lastTick = nanoTime.getAsLong();
    }

    /** The limit for a command group: half of what a pause may last before the group can have moved on. */
    public static Duration forGroup(Duration sessionTimeout, Duration heartbeatInterval) {
        return sessionTimeout.minus(heartbeatInterval).dividedBy(2);
    }

    @Override
    protected void doStart() {
        lastTick = nanoTime.getAsLong();
        watching = true;
        ticker = Thread.ofPlatform().daemon().name("fleetgate-stand-still-watch").start(() -> {
            long period = Math.max(TimeUnit.MILLISECONDS.toNanos(1), limitNanos / 8);
            while (!Thread.currentThread().isInterrupted() && isRunAllowed()) {
                LockSupport.parkNanos(period);
                tick();
            }
        });
    }

    @Override
    protected void doStop() {
        watching = false;
        Thread thread = ticker;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** Records that the process runs now, after noticing a stand-still since the last time if there was one. */
    void tick() {
        notice();
        lastTick = nanoTime.getAsLong();
    }

    /** Whether commands must wait for the consumer's word before they start or go on. */
    public boolean inDoubt() {
        notice();
        return !settled.isDone();
    }

    /** Completes once no stand-still waits for its confirmation. */
    public CompletableFuture<Void> whenSettled() {
        notice();
        return settled;
    }

    /** How many stand-stills were noticed so far: read before a confirmation begins, passed to {@link #settle}. */
    public long standStills() {
        notice();
        synchronized (lock) {
            return standStills;
        }
    }

    /** The consumer confirmed this replica's partitions (or lost them) after the first {@code seen} stand-stills. */
    public void settle(long seen) {
        notice(); // a stand-still during the confirmation is not settled by it
        CompletableFuture<Void> done;
        synchronized (lock) {
            if (standStills != seen || settled.isDone()) {
                return;
            }
            done = settled;
        }
        done.complete(null);
    }

    private void notice() {
        long now = nanoTime.getAsLong();
        long stood = now - lastTick;
        if (stood <= limitNanos || !watching) {
            return;
        }
        synchronized (lock) {
            stood = now - lastTick;
            if (stood <= limitNanos) {
                return; // another thread noticed it first
            }
            standStills++;
            if (settled.isDone()) {
                settled = new CompletableFuture<>();
            }
            lastTick = now;
        }
        LOG.warn("this process stood still for {} ms (more than {} ms): commands wait until the command group confirms "
                + "this replica still owns their partitions", TimeUnit.NANOSECONDS.toMillis(stood), TimeUnit.NANOSECONDS.toMillis(limitNanos));
    }

    /**
     * The route step before a command goes on after a wait (routes/wake-up.camel.yaml): at once
     * unless in doubt; then once settled, on {@code executor}, not the consumer's thread.
     */
    public AsyncProcessor confirmedStep(Executor executor) {
        return new AsyncProcessorSupport() {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                CompletableFuture<Void> settledNow = whenSettled();
                if (settledNow.isDone()) {
                    callback.done(true);
                    return true;
                }
                settledNow.thenRunAsync(() -> callback.done(false), executor);
                return false;
            }
        };
    }
}
