package io.fleetgate.audit;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes audit events from the {@link AuditOutbox} (memory first, then the journal, through
 * {@link JournalReplay}: nothing in memory is ever newer than what waits in the journal) and hands
 * them to a Kafka producer of its own, on its own thread, keyed by account id. The producer never
 * gives up on a record (no delivery timeout) and is idempotent: while Kafka is away the records it
 * holds wait, and go once, in order, when Kafka is back, and new events wait in the journal. So an
 * outage never drops an event; only a full journal does. A record Kafka refuses for good (too
 * large) is dropped and counted; any other failure puts it back into the journal.
 *
 * <p>Each record carries {@value #ORIGIN_HEADER}: the Fleetgate run that counted the event in its
 * credit totals when it emitted it (this run, or the one that journaled it), so that run skips it
 * when it comes back from the topic and every other counts it.
 *
 * <p>Exactly once on the topic: a journal entry is acknowledged (the checkpoint moves past it)
 * only once Kafka has it. When a run stops with entries sent and not acknowledged (killed, or
 * stopped during an outage), the checkpoint says since when; the next run first reads the topic
 * from then and skips the entries it finds there.
 */
public final class AuditPublisher extends ServiceSupport {
    /** Record header: the Fleetgate run whose credit totals counted the event. */
    public static final String ORIGIN_HEADER = "fleetgate-origin";
    /** Record header: the event's {@code event_id}, so a run finds its own events without reading their JSON. */
    public static final String EVENT_ID_HEADER = "fleetgate-event-id";
    private static final Logger LOG = LoggerFactory.getLogger(AuditPublisher.class);
    /** A stop while Kafka answers goes on publishing for at most this long; the rest stays in the journal. */
    private static final Duration DRAIN_ON_STOP = Duration.ofSeconds(10);
    private static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(200);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final Duration LAST_BACKOFF = Duration.ofSeconds(10);
    private static final long IDLE_WAIT_MILLIS = 50;
    private static final long REPLAY_WAIT_MILLIS = 2;
    /** Kafka answers, events wait, none is acknowledged for this long: said once (the clients' own retries are not logged). */
    private static final Duration STALL = Duration.ofSeconds(60);

    private final Map<String, Object> clientConfig;
    private final String topic;
    private final AuditOutbox outbox;
    private final AuditJournal journal;
    private final Batching batching;
    private final long maxBlockMillis;
    private final long fsyncIntervalMillis;
    private final BooleanSupplier kafkaUp;
    private final Clock clock;
    private final WarningThrottle warnings;
    private final Consumer<String> warn;
    private final JournalReplay replay;
    private final LinkedBlockingQueue<OutgoingEvent> answered = new LinkedBlockingQueue<>();
    private final LongAdder published = new LongAdder();
    private final LongAdder rejected = new LongAdder();

    private volatile boolean stopping;
    private volatile long drainUntil;
    private Thread thread;
    private KafkaProducer<String, byte[]> producer;
    /** The current producer's metrics, read by other threads. */
    private volatile Map<MetricName, ? extends Metric> producerMetrics = Map.of();
    private boolean rebuild;
    /** Not taken by the producer at all (it is being rebuilt, or had no metadata): sent first. */
    private OutgoingEvent held;
    private long backoffUntil;
    private Duration backoff = FIRST_BACKOFF;
    private long nextCheckpoint;
    private long nextSync;
    private long lastProgress = System.nanoTime();
    private boolean stallTold;

    /**
     * @param clientConfig bootstrap servers and security settings ({@code KafkaClientConfig})
     * @param kafkaUp whether Kafka answers now: a stop publishes what waits only then
     * @param fsyncIntervalMillis how often the journal is synced to disk (0: each append syncs itself)
     */
    public AuditPublisher(Map<String, Object> clientConfig, String topic, AuditOutbox outbox, Batching batching,
                          long maxBlockMillis, long fsyncIntervalMillis, BooleanSupplier kafkaUp, Clock clock) {
        this(clientConfig, topic, outbox, batching, maxBlockMillis, fsyncIntervalMillis, kafkaUp, clock, LOG::warn);
    }

    AuditPublisher(Map<String, Object> clientConfig, String topic, AuditOutbox outbox, Batching batching,
                   long maxBlockMillis, long fsyncIntervalMillis, BooleanSupplier kafkaUp, Clock clock, Consumer<String> warn) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.topic = topic;
        this.outbox = outbox;
        this.journal = outbox.journal();
        this.batching = batching;
        this.maxBlockMillis = maxBlockMillis;
        this.fsyncIntervalMillis = fsyncIntervalMillis;
        this.kafkaUp = kafkaUp;
        this.clock = clock;
        this.warnings = new WarningThrottle(clock, AuditOutbox.WARNING_INTERVAL);
        this.warn = warn;
        this.replay = new JournalReplay(this.clientConfig, topic, outbox, kafkaUp, this::refused);
    }

    /** A metric of the current producer's {@code producer-metrics} group (e.g. records-per-request-avg); NaN without one. */
    double producerMetric(String name) {
        return producerMetrics.entrySet().stream()
                .filter(metric -> metric.getKey().group().equals("producer-metrics") && metric.getKey().name().equals(name))
                .map(metric -> metric.getValue().metricValue())
                .filter(Double.class::isInstance).map(Double.class::cast)
                .findFirst().orElse(Double.NaN);
    }

    /** Events Kafka acknowledged, since start. */
    public LongAdder publishedEvents() {
        return published;
    }

    /** Of those, events that came from the journal. */
    public LongAdder replayedEvents() {
        return replay.replayedEvents();
    }

    /** Events Kafka refused for good (a record too large, ...), dropped. */
    public LongAdder rejectedEvents() {
        return rejected;
    }

    /** Journal entries of an earlier run found on the topic already, and so not sent again. */
    public LongAdder foundOnTopicEvents() {
        return replay.foundOnTopicEvents();
    }

    @Override
    protected void doStart() {
        stopping = false;
        if (journal.waiting() > 0) {
            LOG.info("the audit journal {} holds {} event(s) from before this start; they go to Kafka once it answers",
                    journal.dir().toAbsolutePath(), journal.waiting());
        }
        producer = newProducer();
        thread = Thread.ofPlatform().daemon().name("fleetgate-audit-publisher").start(this::publish);
    }

    @Override
    protected void doStop() throws InterruptedException {
        drainUntil = System.nanoTime() + (kafkaUp.getAsBoolean() ? DRAIN_ON_STOP.toNanos() : 0);
        stopping = true;
        if (thread != null) {
            thread.join(DRAIN_ON_STOP.plusSeconds(20).toMillis());
        }
    }

    private void publish() {
        try {
            try {
                producer.partitionsFor(topic); // the topic's metadata before the first event needs it
            } catch (RuntimeException notYet) {
                // the first send waits for it
            }
            while (true) {
                try {
                    if (!publishOnce()) {
                        return;
                    }
                } catch (RuntimeException e) {
                    // a disk that failed, a producer that would not start: try again in a while
                    if (warnings.tryAcquire()) {
                        warn.accept("audit events wait: the publisher failed (" + e + "); trying again");
                    }
                    backoff = LAST_BACKOFF;
                    failed();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeOnStop();
        }
    }

    /** One turn: answers, checkpoint, then one event to the producer; false once the stop is done. */
    private boolean publishOnce() throws InterruptedException {
        settleAnswers();
        long now = System.nanoTime();
        if (now - nextCheckpoint >= 0) {
            journal.checkpoint();
            nextCheckpoint = now + CHECKPOINT_INTERVAL.toNanos();
        }
        if (fsyncIntervalMillis > 0 && now - nextSync >= 0) {
            journal.sync();
            nextSync = now + fsyncIntervalMillis * 1_000_000;
        }
        if (stopping && (now - drainUntil >= 0 || nothingWaits())) {
            return false;
        }
        tellStall(now);
        if (rebuild) {
            rebuildProducer();
        }
        if (clock.millis() < backoffUntil) {
            waitForAnswers(Math.min(IDLE_WAIT_MILLIS, backoffUntil - clock.millis()));
            return true;
        }
        OutgoingEvent next = held != null ? held : take();
        held = null;
        if (next != null && !send(next)) {
            held = next;
            failed();
        }
        return true;
    }

    /** The oldest event waiting: in memory, else in the journal; waits a moment when there is none. */
    private OutgoingEvent take() throws InterruptedException {
        AuditEvent event = outbox.takeFromMemory(0);
        if (event != null) {
            return OutgoingEvent.fromMemory(event, outbox.origin());
        }
        OutgoingEvent fromJournal = replay.next();
        if (fromJournal != null) {
            return fromJournal;
        }
        // while the journal is being replayed, the next acknowledgements make room at once: look again soon
        event = outbox.takeFromMemory(journal.unread() > 0 && kafkaUp.getAsBoolean() ? REPLAY_WAIT_MILLIS : IDLE_WAIT_MILLIS);
        return event == null ? null : OutgoingEvent.fromMemory(event, outbox.origin());
    }

    /** Hands the event to the producer; false when the producer did not take it (sent again later). */
    private boolean send(OutgoingEvent sent) {
        byte[] value = sent.value();
        RecordHeaders headers = new RecordHeaders();
        headers.add(ORIGIN_HEADER, sent.origin.getBytes(StandardCharsets.UTF_8));
        headers.add(EVENT_ID_HEADER, sent.event.eventId().toString().getBytes(StandardCharsets.US_ASCII));
        long now = clock.millis();
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, null, now, sent.event.partitionKey(), value, headers);
        Thread sender = Thread.currentThread();
        Exception[] refusedAtOnce = {null};
        try {
            producer.send(record, (metadata, failure) -> {
                if (Thread.currentThread() == sender && failure != null && sent.sentWith == null) {
                    // answered within send() itself: never taken (no metadata in time, too large, closed)
                    refusedAtOnce[0] = failure;
                    return;
                }
                sent.failure = failure;
                answered.add(sent);
            });
        } catch (KafkaException | IllegalStateException e) {
            refusedAtOnce[0] = e;
        }
        if (refusedAtOnce[0] != null) {
            if (permanent(refusedAtOnce[0])) {
                refused("event " + sent.describe(), refusedAtOnce[0]);
                forget(sent);
                return true;
            }
            if (!(refusedAtOnce[0] instanceof RetriableException)) {
                rebuild = true; // closed or broken (a fatal error before): a new producer sends it
            }
            return false;
        }
        sent.sentAt = now;
        sent.sentWith = producer;
        if (sent.entry != null) {
            replay.sent();
        }
        return true;
    }

    /** What Kafka answered since the last look: acknowledgements free room; failures go to the journal. */
    private void settleAnswers() {
        for (OutgoingEvent sent; (sent = answered.poll()) != null; ) {
            if (sent.failure == null) {
                acknowledged(sent);
                backoff = FIRST_BACKOFF;
                progressed();
            } else if (permanent(sent.failure)) {
                refused("event " + sent.describe(), sent.failure);
                forget(sent);
            } else {
                // not taken: behind what waits in the journal, and published from there
                outbox.giveBack(sent.value(), sent.origin, sent.describe());
                forget(sent);
                if (sent.entry != null) {
                    journal.checkpoint(); // the copy is there: the original must not be read again
                }
                if (!(sent.failure instanceof RetriableException) && sent.sentWith == producer) {
                    rebuild = true; // a fatal error (a closed one was rebuilt already)
                }
                failed();
            }
        }
    }

    private void acknowledged(OutgoingEvent sent) {
        published.increment();
        if (sent.entry != null) {
            replay.acknowledged(sent);
        } else {
            outbox.leftMemory();
        }
    }

    /** While Kafka answers the health probe and yet takes none of the waiting events: one line, and one when they flow again. */
    private void tellStall(long now) {
        if (!kafkaUp.getAsBoolean() || outbox.waiting() == 0) {
            lastProgress = now; // an outage is KafkaHealth's to tell; nothing waiting is no stall
            return;
        }
        if (!stallTold && now - lastProgress > STALL.toNanos()) {
            stallTold = true;
            LOG.warn("Kafka answers, but has taken no audit event for {} s: {} wait (in memory, then in the journal {})",
                    STALL.toSeconds(), outbox.waiting(), journal.dir().toAbsolutePath());
        }
    }

    private void progressed() {
        lastProgress = System.nanoTime();
        if (stallTold) {
            stallTold = false;
            LOG.warn("Kafka takes audit events again; {} wait", outbox.waiting());
        }
    }

    /** Done here without an acknowledgement: refused for good, or a copy went back into the journal. */
    private void forget(OutgoingEvent sent) {
        if (sent.entry != null) {
            replay.failed(sent);
        } else {
            outbox.leftMemory();
        }
    }

    private void failed() {
        backoffUntil = clock.millis() + backoff.toMillis();
        backoff = backoff.multipliedBy(2).compareTo(LAST_BACKOFF) > 0 ? LAST_BACKOFF : backoff.multipliedBy(2);
    }

    private void refused(String what, Exception cause) {
        rejected.increment();
        if (warnings.tryAcquire()) {
            warn.accept("audit event lost: Kafka refused " + what + " for good (" + cause.getClass().getName() + "); "
                    + rejected.sum() + " refused since start");
        }
    }

    private static boolean permanent(Exception failure) {
        return failure instanceof RecordTooLargeException || failure instanceof RecordBatchTooLargeException
                || failure instanceof InvalidTopicException || failure instanceof SerializationException;
    }

    private boolean nothingWaits() {
        return held == null && outbox.buffered() == 0 && journal.waiting() == 0;
    }

    private void waitForAnswers(long millis) throws InterruptedException {
        OutgoingEvent sent = answered.poll(Math.max(1, millis), java.util.concurrent.TimeUnit.MILLISECONDS);
        if (sent != null) {
            answered.add(sent);
        }
    }

    private void rebuildProducer() {
        rebuild = false;
        KafkaProducer<String, byte[]> old = producer;
        // what the old one still holds fails now, and goes to the journal with the next look at the answers
        old.close(Duration.ZERO);
        producer = newProducer();
    }

    /**
     * As Fleetgate stops: what Kafka did not acknowledge in time goes to the journal (memory's
     * events behind it), and the checkpoint says since when some may have been sent anyway.
     */
    private void closeOnStop() {
        long left = Math.max(0, drainUntil - System.nanoTime());
        try {
            producer.close(Duration.ofNanos(left));
        } catch (RuntimeException e) {
            // its unanswered records fail below
        }
        long maySent = Long.MAX_VALUE;
        for (OutgoingEvent sent; (sent = answered.poll()) != null; ) {
            if (sent.failure == null) {
                acknowledged(sent);
            } else if (sent.entry != null) {
                // left where it is: the checkpoint stays before it, and the next run sends it again
                replay.unanswered();
                maySent = Math.min(maySent, sent.sentAt);
            } else {
                outbox.giveBack(sent.value(), sent.origin, sent.describe());
                outbox.leftMemory();
                maySent = Math.min(maySent, sent.sentAt);
            }
        }
        if (held != null && held.entry == null) {
            outbox.giveBack(held.value(), held.origin, held.describe());
            outbox.leftMemory();
        }
        for (AuditEvent event : outbox.drainMemory()) {
            OutgoingEvent unsent = OutgoingEvent.fromMemory(event, outbox.origin());
            outbox.giveBack(unsent.value(), unsent.origin, unsent.describe());
            outbox.leftMemory();
        }
        if (maySent != Long.MAX_VALUE) {
            journal.mayHaveBeenSent(maySent);
        }
        long waiting = journal.waiting();
        journal.close();
        if (waiting > 0) {
            LOG.info("{} audit event(s) wait in the journal {} for Kafka; the next start sends them", waiting,
                    journal.dir().toAbsolutePath());
        }
    }

    private KafkaProducer<String, byte[]> newProducer() {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "fleetgate-audit");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        // retries of a record keep their sequence number: the broker takes each once, in order
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
        // never give a record up: an outage holds it until Kafka is back (memory is bounded by the outbox)
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlockMillis);
        config.put(ProducerConfig.LINGER_MS_CONFIG, batching.lingerMillis());
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, batching.batchBytes());
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, batching.compression());
        KafkaProducer<String, byte[]> made = new KafkaProducer<>(config);
        producerMetrics = made.metrics();
        return made;
    }

    /**
     * How the audit producer gathers events into a request: every read writes an event, and the
     * broker and the topic's two readers (the usage roll-ups and the credit ledger) pay per request
     * and per byte, so fewer, larger, compressed batches cost far less per event than many small
     * ones (a quarter of the audit pipeline's CPU at 9,000 reads a second). An event is at most
     * {@code lingerMillis} later on the topic; the replica's own credit totals count it at once.
     *
     * @param compression a Kafka compression type: none, gzip, snappy, lz4 or zstd
     */
    public record Batching(int lingerMillis, int batchBytes, String compression) {
        private static final Set<String> COMPRESSIONS = Set.of("none", "gzip", "snappy", "lz4", "zstd");

        public Batching {
            if (lingerMillis < 0 || batchBytes <= 0) {
                throw new IllegalArgumentException("the audit producer's linger is never negative and its batches hold bytes");
            }
            if (!COMPRESSIONS.contains(compression)) {
                throw new IllegalArgumentException("fleetgate.audit.kafka.compression: '" + compression
                        + "' is not a Kafka compression type (none, gzip, snappy, lz4, zstd)");
            }
        }
    }
}
