package io.fleetgate.audit;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where audit events wait for Kafka: in memory (up to {@code capacity} events, counting those
 * the {@link AuditPublisher} has handed to Kafka and that are not acknowledged yet) while Kafka
 * answers, and in the {@link AuditJournal} on local disk beyond that, and for as long as Kafka is
 * known to be away: there they outlive a crash of this process, and memory holds only what was on
 * its way when Kafka went. Once events go to the journal, newer ones follow them there until the
 * journal is read empty, so they reach the topic in the order they came. {@link #offer} never
 * waits for Kafka; only a full journal drops an event, counted and, at most once per 30 s, logged
 * with the count and ids only.
 */
public final class AuditOutbox {
    private static final Logger LOG = LoggerFactory.getLogger(AuditOutbox.class);
    static final Duration WARNING_INTERVAL = Duration.ofSeconds(30);

    private final int capacity;
    private final AuditJournal journal;
    private final String origin;
    private final BooleanSupplier kafkaUp;
    private final ConcurrentLinkedQueue<AuditEvent> memory = new ConcurrentLinkedQueue<>();
    /**
     * How long the publisher waits before looking again when memory is empty. Offers never wake it:
     * a wake-up per event cost ~8 % of a read's CPU (the publisher drains faster than reads come,
     * so it waited for each), while a few ms more before the producer, which lingers 50 ms to
     * batch anyway, cost nothing.
     */
    private static final long LOOK_AGAIN_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /**
     * Looks that found memory empty after which the publisher waits to be woken instead (the first
     * event offered then wakes it): an idle Fleetgate's publisher looked 200 times a second, 6-7 ms
     * of CPU a second for nothing. Events 5 ms apart or closer (200 reads a second) never get there.
     */
    private static final int QUIET_LOOKS = 10;
    /** The publisher's looks in a row that found memory empty; the publisher's thread only. */
    private int quietLooks;
    /** The publisher while it waits to be woken by an offer; null while it looks every 5 ms. */
    private volatile Thread sleeper;
    /** Events of memory: waiting for the publisher, or handed to Kafka and not yet acknowledged. */
    private final AtomicInteger inMemory = new AtomicInteger();
    private final LongAdder journaled = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final WarningThrottle warnings;
    private final Consumer<String> warn;

    /**
     * @param origin the name of this Fleetgate run (see {@link AuditPublisher#ORIGIN_HEADER}): the
     *        journal keeps it with the events this run counted
     * @param kafkaUp whether Kafka answers the health probe now
     */
    public AuditOutbox(int capacity, AuditJournal journal, String origin, BooleanSupplier kafkaUp, Clock clock) {
        this(capacity, journal, origin, kafkaUp, clock, LOG::warn);
    }

    AuditOutbox(int capacity, AuditJournal journal, String origin, BooleanSupplier kafkaUp, Clock clock, Consumer<String> warn) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the audit buffer holds at least one event, not " + capacity);
        }
        this.capacity = capacity;
        this.journal = journal;
        this.origin = origin;
        this.kafkaUp = kafkaUp;
        this.warnings = new WarningThrottle(clock, WARNING_INTERVAL);
        this.warn = warn;
    }

    /**
     * Keeps the event for Kafka without waiting for it: in memory while Kafka answers, there is room
     * and nothing waits in the journal; else in the journal. False when it was dropped (journal
     * full) or is null.
     */
    public boolean offer(AuditEvent event) {
        if (event == null) {
            return false;
        }
        boolean up = kafkaUp.getAsBoolean();
        synchronized (this) {
            if (up && journal.unread() == 0 && inMemory.get() < capacity) {
                inMemory.incrementAndGet();
                memory.add(event);
                Thread publisher = sleeper;
                if (publisher != null) {
                    LockSupport.unpark(publisher);
                }
                return true;
            }
            if (journal.append(AuditEventJson.bytes(event), origin)) {
                journaled.increment();
                return true;
            }
        }
        dropped(event.eventId() + " of account " + event.partitionKey());
        return false;
    }

    /**
     * Offers the exchange's {@code fleetgateAuditEvent} and notes whether it was kept as
     * {@code fleetgateAuditQueued} (a bean step: a method expression would copy the exchange).
     */
    public void offerEventOf(Exchange exchange) {
        exchange.setProperty("fleetgateAuditQueued", offer(AuditEvent.attachedTo(exchange)));
    }

    /** The oldest event in memory not yet handed to Kafka; waits at most {@code millis} for one. */
    AuditEvent takeFromMemory(long millis) throws InterruptedException {
        AuditEvent event = memory.poll();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (long left = deadline - System.nanoTime(); event == null && left > 0; left = deadline - System.nanoTime()) {
            if (quietLooks < QUIET_LOOKS) {
                quietLooks++;
                LockSupport.parkNanos(this, Math.min(left, LOOK_AGAIN_NANOS));
            } else {
                sleeper = Thread.currentThread();
                // an offer made before sleeper was set saw null and woke nobody: look once more first
                if ((event = memory.poll()) == null) {
                    LockSupport.parkNanos(this, left);
                }
                sleeper = null;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (event == null) {
                event = memory.poll();
            }
        }
        if (event != null) {
            quietLooks = 0;
        }
        return event;
    }

    /** The next entry of the journal: only once memory holds nothing older (see {@link AuditPublisher}). */
    AuditJournal.Entry takeFromJournal() {
        synchronized (this) {
            return journal.next();
        }
    }

    /** An event of memory was acknowledged by Kafka (or refused for good): its room is free. */
    void leftMemory() {
        inMemory.decrementAndGet();
    }

    /** A record Kafka did not take goes to the journal, behind what waits there; false when the journal is full. */
    boolean giveBack(byte[] value, String originOfValue, String description) {
        synchronized (this) {
            if (journal.append(value, originOfValue)) {
                journaled.increment();
                return true;
            }
        }
        dropped(description);
        return false;
    }

    /** What memory still holds and no one took: as Fleetgate stops, it goes to the journal. */
    List<AuditEvent> drainMemory() {
        List<AuditEvent> left = new ArrayList<>();
        for (AuditEvent event; (event = memory.poll()) != null; ) {
            left.add(event);
        }
        return left;
    }

    AuditJournal journal() {
        return journal;
    }

    /** This run's name, on every record it publishes: whose credit totals counted the event. */
    public String origin() {
        return origin;
    }

    private void dropped(String what) {
        dropped.increment();
        if (warnings.tryAcquire()) {
            warn.accept("audit journal full (" + journal.bytes() + " bytes in " + journal.dir().toAbsolutePath()
                    + ", fleetgate.audit.journal-max-bytes): dropped event " + what + "; " + dropped.sum() + " dropped since start");
        }
    }

    /** Events dropped because the journal was full, since start (for metrics). */
    public LongAdder droppedEvents() {
        return dropped;
    }

    /** Events written to the journal since start (for metrics). */
    public LongAdder journaledEvents() {
        return journaled;
    }

    /** Events in memory waiting for Kafka (not yet acknowledged). */
    public int buffered() {
        return inMemory.get();
    }

    /** Events in the journal waiting for Kafka. */
    public long journaledWaiting() {
        return journal.waiting();
    }

    /** Bytes of the journal on disk. */
    public long journalBytes() {
        return journal.bytes();
    }

    /** Every event waiting for Kafka, in memory and in the journal. */
    public long waiting() {
        return inMemory.get() + journal.waiting();
    }
}
