package io.fleetgate.audit;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal's side of the {@link AuditPublisher}: which entry goes to Kafka next. Only while
 * Kafka answers, at most {@value #IN_FLIGHT} unacknowledged at a time, and, for what an earlier run
 * left, only once the topic has been read since that run began to send (its checkpoint says when):
 * an entry found there was sent already and goes no second time. Says how long a replay took.
 */
final class JournalReplay {
    private static final Logger LOG = LoggerFactory.getLogger(JournalReplay.class);
    /** Journal entries handed to Kafka and not yet acknowledged, at most (memory has its own bound). */
    static final int IN_FLIGHT = 2000;
    private static final long SCAN_RETRY_NANOS = 5_000_000_000L;

    private final Map<String, Object> clientConfig;
    private final String topic;
    private final AuditOutbox outbox;
    private final AuditJournal journal;
    private final BooleanSupplier kafkaUp;
    private final BiConsumer<String, Exception> unreadable;
    private final LongAdder replayed = new LongAdder();
    private final LongAdder foundOnTopic = new LongAdder();
    private int inFlight;
    /** Ids of the events on the topic since an earlier run began to send; null until read. */
    private Set<UUID> alreadyOnTopic;
    private long nextScanAt;
    /** When this replay began (System.nanoTime()), and the replayed count then; 0 while none runs. */
    private long started;
    private long replayedBefore;

    /** @param unreadable told of a line that is not an audit event (it is skipped, and counted as lost) */
    JournalReplay(Map<String, Object> clientConfig, String topic, AuditOutbox outbox, BooleanSupplier kafkaUp,
                  BiConsumer<String, Exception> unreadable) {
        this.clientConfig = clientConfig;
        this.topic = topic;
        this.outbox = outbox;
        this.journal = outbox.journal();
        this.kafkaUp = kafkaUp;
        this.unreadable = unreadable;
    }

    /** The next entry to send, or null: none unread, Kafka away, enough in flight, or the topic not read yet. */
    OutgoingEvent next() {
        // while Kafka is away, entries stay where they are
        if (inFlight >= IN_FLIGHT || journal.unread() == 0 || !kafkaUp.getAsBoolean()) {
            return null;
        }
        if (journal.suspectSince() != 0 && alreadyOnTopic == null && !readTopicSinceSuspectSends()) {
            return null;
        }
        while (true) {
            AuditJournal.Entry entry = outbox.takeFromJournal();
            if (entry == null) {
                return null;
            }
            AuditEvent event;
            try {
                event = AuditEventJson.read(entry.value());
            } catch (Exception e) {
                journal.acknowledge(entry);
                unreadable.accept("a journal line that is not an audit event", e);
                continue;
            }
            if (entry.suspect() && alreadyOnTopic.contains(event.eventId())) {
                journal.acknowledge(entry);
                foundOnTopic.increment();
                continue;
            }
            if (!entry.suspect() && alreadyOnTopic != null && !alreadyOnTopic.isEmpty()) {
                alreadyOnTopic = Set.of(); // past what earlier runs left
            }
            if (started == 0) {
                started = System.nanoTime();
                replayedBefore = replayed.sum();
            }
            return OutgoingEvent.fromJournal(event, entry);
        }
    }

    /** The producer took the entry. */
    void sent() {
        inFlight++;
    }

    /** Kafka has it: the checkpoint may move past it. */
    void acknowledged(OutgoingEvent event) {
        inFlight--;
        journal.acknowledge(event.entry);
        replayed.increment();
        if (started != 0 && journal.waiting() == 0) {
            LOG.info("audit journal replayed: {} event(s) in {} ms", replayed.sum() - replayedBefore,
                    (System.nanoTime() - started) / 1_000_000);
            started = 0;
        }
    }

    /** Kafka did not take it (a copy went back into the journal, or it was refused for good): it is done here. */
    void failed(OutgoingEvent event) {
        inFlight--;
        journal.acknowledge(event.entry);
    }

    /** Sent, then left unanswered as Fleetgate stops: it stays in the journal, before the checkpoint. */
    void unanswered() {
        inFlight--;
    }

    LongAdder replayedEvents() {
        return replayed;
    }

    LongAdder foundOnTopicEvents() {
        return foundOnTopic;
    }

    private boolean readTopicSinceSuspectSends() {
        if (System.nanoTime() - nextScanAt < 0) {
            return false;
        }
        try {
            alreadyOnTopic = PublishedEventIds.since(clientConfig, topic, journal.suspectSince());
            LOG.info("the audit journal holds {} event(s) an earlier run may have sent; {} event(s) on {} since {} "
                    + "are looked for among them", journal.waiting(), alreadyOnTopic.size(), topic,
                    Instant.ofEpochMilli(journal.suspectSince()));
            return true;
        } catch (RuntimeException e) {
            nextScanAt = System.nanoTime() + SCAN_RETRY_NANOS;
            return false;
        }
    }
}
