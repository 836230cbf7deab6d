package io.fleetgate.telemetry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes vehicle events ({@code routes/telemetry.camel.yaml}): each event on the events topic (key
 * VIN, header {@code fleetgate-event}) at once, without waiting for Kafka; then, in
 * {@link #awaitWritten}, once Kafka has placed them, the last values each sets (key
 * {@code <VIN>/<key>}, taken here at once) and, after those, the position of each fleet-telemetry
 * record whose events they were ({@code <VIN>/source.<topic>}), then the records' offsets are
 * handed to their commits ({@link TelemetryOffsets}). What a thread published is awaited by that
 * thread: the telemetry consumer awaits once per poll, before it polls again, so a record's offset
 * is committed only after all it gave is acknowledged; three round trips per poll instead of three
 * per record. A write Kafka refuses is sent again (after 0.5 s, doubling to 5 s) until it is taken
 * or the writer stops.
 */
public final class VehicleEventWriter extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger(VehicleEventWriter.class);
    private static final long FIRST_RETRY_MS = 500;
    private static final long LAST_RETRY_MS = 5000;
    private static final int MOST_UNAWAITED = 500;
    private static final int PUBLISHED_ATTEMPTS = 6;

    private final Map<String, Object> clientConfig;
    private final String eventsTopic;
    private final String stateTopic;
    private final LastValues lastValues;
    private final int lingerMillis;
    /** What the calling thread published and has not awaited yet. */
    private final ThreadLocal<List<Sent<VehicleEvent>>> unawaited = ThreadLocal.withInitial(ArrayList::new);
    private final ThreadLocal<List<SourcePosition>> positions = ThreadLocal.withInitial(ArrayList::new);
    /** Per input partition, the commit of the last record read there whose writes are not yet awaited. */
    private final ThreadLocal<Map<String, KafkaManualCommit>> commits = ThreadLocal.withInitial(java.util.LinkedHashMap::new);
    private volatile KafkaProducer<String, String> producer;

    public VehicleEventWriter(Map<String, Object> clientConfig, String eventsTopic, String stateTopic, LastValues lastValues,
                              int lingerMillis) {
        this.clientConfig = clientConfig;
        this.eventsTopic = eventsTopic;
        this.stateTopic = stateTopic;
        this.lastValues = lastValues;
        this.lingerMillis = lingerMillis;
    }

    /** One record on its way: what it carries, its Kafka record and the send's outcome. */
    private static final class Sent<T> {
        final T what;
        final ProducerRecord<String, String> record;
        Future<RecordMetadata> outcome;

        Sent(T what, ProducerRecord<String, String> record) {
            this.what = what;
            this.record = record;
        }
    }

    /**
     * Body: one {@link VehicleEvent}; written, and its values, before returning. A write Kafka
     * refused (after the producer's own retries) fails the exchange instead of being sent again.
     */
    public void write(Exchange exchange) {
        publish(exchange.getMessage().getBody(VehicleEvent.class));
        awaitThenForget(1);
    }

    /**
     * Body: one {@link VehicleEvent} from a queue ({@code routes/telemetry.camel.yaml}'s state
     * events); sent at once, and written with the ones before it by {@link #awaitPublished}.
     */
    public void publishEvent(Exchange exchange) {
        publish(exchange.getMessage().getBody(VehicleEvent.class));
    }

    /**
     * Whether what this thread published is awaited now: the queue the exchange came from is empty
     * (a burst of states is over), or {@value #MOST_UNAWAITED} events wait; a queue of any other
     * kind than {@code seda:} awaits every event.
     */
    public boolean awaitDue(Exchange exchange) {
        return !(exchange.getFromEndpoint() instanceof SedaEndpoint queue)
                || queue.getCurrentQueueSize() == 0
                || unawaited.get().size() >= MOST_UNAWAITED;
    }

    /**
     * Until what this thread published is written, each record sent up to {@value #PUBLISHED_ATTEMPTS}
     * times (0.5 s doubling to 5 s between); beyond, the exchange fails with the reason and those
     * events are dropped (a redelivery of this step finds nothing left to write).
     */
    public void awaitPublished() {
        awaitThenForget(PUBLISHED_ATTEMPTS);
    }

    /** {@link #awaitWritten}, then nothing this thread published is kept, written or not. */
    private void awaitThenForget(int attempts) {
        try {
            awaitWritten(attempts);
        } finally {
            unawaited.get().clear();
            positions.get().clear();
        }
    }

    /**
     * Body: a fleet-telemetry record's events (a list, maybe empty); each sent at once, and the
     * record's position (exchange property set by {@link TelemetryIngest}) kept for {@link #awaitWritten}.
     */
    public void publishRecord(Exchange exchange) {
        for (Object event : exchange.getMessage().getBody(List.class)) {
            publish((VehicleEvent) event);
        }
        SourcePosition position = exchange.getProperty(TelemetryIngest.SOURCE, SourcePosition.class);
        if (position != null) {
            positions.get().add(position);
        }
        KafkaManualCommit commit = exchange.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
        if (commit != null) {
            commits.get().put(exchange.getMessage().getHeader(KafkaConstants.TOPIC) + "-"
                    + exchange.getMessage().getHeader(KafkaConstants.PARTITION), commit);
        }
    }

    private void publish(VehicleEvent event) {
        ProducerRecord<String, String> record = new ProducerRecord<>(eventsTopic, event.vin(), event.json());
        record.headers().add(VehicleEventFeed.EVENT_HEADER, event.topic().wire().getBytes(StandardCharsets.UTF_8));
        Sent<VehicleEvent> sent = new Sent<>(event, record);
        send(sent);
        unawaited.get().add(sent);
    }

    /**
     * Until everything this thread published is written: its events placed, then the values they
     * set, then the positions of the records they came from.
     */
    public void awaitWritten() {
        awaitWritten(Integer.MAX_VALUE);
    }

    private void awaitWritten(int attempts) {
        List<Sent<VehicleEvent>> events = unawaited.get();
        List<SourcePosition> records = positions.get();
        Map<String, KafkaManualCommit> read = commits.get();
        if (events.isEmpty() && records.isEmpty() && read.isEmpty()) {
            return;
        }
        List<Sent<LastValue>> values = new ArrayList<>();
        for (Sent<VehicleEvent> event : events) {
            RecordMetadata placed = await(event, attempts);
            for (LastValue value : lastValues.valuesSetBy(event.what, new EventId(placed.partition(), placed.offset()))) {
                lastValues.apply(value);
                Sent<LastValue> state = new Sent<>(value, new ProducerRecord<>(stateTopic, value.recordKey(), lastValues.recordValue(value)));
                send(state);
                values.add(state);
            }
        }
        values.forEach(value -> await(value, attempts));
        List<Sent<SourcePosition>> sources = new ArrayList<>();
        for (SourcePosition position : records) {
            lastValues.apply(position);
            Sent<SourcePosition> source = new Sent<>(position, new ProducerRecord<>(stateTopic, position.recordKey(), lastValues.recordValue(position)));
            send(source);
            sources.add(source);
        }
        sources.forEach(source -> await(source, attempts));
        events.clear();
        records.clear();
        // everything the records gave is written: their offsets may be committed (on the consumer's
        // thread, this one; TelemetryOffsets commits at most once per interval)
        for (KafkaManualCommit commit : read.values()) {
            try {
                commit.commit();
            } catch (RuntimeException e) {
                // not committed (a rebalance took the partition): its records are read again, and skipped by their places
                LOG.warn("telemetry offsets not committed: {}", e.toString());
            }
        }
        read.clear();
    }

    private void send(Sent<?> sent) {
        try {
            sent.outcome = producer.send(sent.record);
        } catch (RuntimeException e) {
            // refused before it was queued (the producer closed, its buffer full for too long): sent again when awaited
            sent.outcome = CompletableFuture.failedFuture(e);
        }
    }

    /** The record's place once Kafka took it; sends it again while Kafka refuses it, up to {@code attempts} sends or until the writer stops. */
    private RecordMetadata await(Sent<?> sent, int attempts) {
        long delay = FIRST_RETRY_MS;
        for (int attempt = 1; ; attempt++) {
            try {
                return sent.outcome.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the vehicle events were written", e);
            } catch (ExecutionException e) {
                if (attempt >= attempts || !isRunAllowed()) {
                    throw new IllegalStateException("the vehicle event writer stopped before a record was written", e.getCause());
                }
                LOG.warn("a record for {} was not written ({}); sent again in {} ms", sent.record.topic(), e.getCause().toString(), delay);
                LockSupport.parkNanos(Duration.ofMillis(delay).toNanos());
                delay = Math.min(LAST_RETRY_MS, delay * 2);
                send(sent);
            }
        }
    }

    @Override
    protected void doStart() {
        Map<String, Object> config = new java.util.HashMap<>(clientConfig);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "fleetgate-vehicle-events");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        // a VIN's events keep their order on its partition, retries included
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, lingerMillis);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        producer = new KafkaProducer<>(config);
    }

    @Override
    protected void doStop() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
