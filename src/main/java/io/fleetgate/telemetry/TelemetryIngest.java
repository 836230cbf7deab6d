package io.fleetgate.telemetry;

import com.google.protobuf.Message;
import io.fleetgate.telemetry.RecordDecoder.UndecodableRecord;
import io.fleetgate.telemetry.proto.VehicleAlertsProto.VehicleAlerts;
import io.fleetgate.telemetry.proto.VehicleConnectivityProto.VehicleConnectivity;
import io.fleetgate.telemetry.proto.VehicleData.Datum;
import io.fleetgate.telemetry.proto.VehicleData.Payload;
import io.fleetgate.telemetry.proto.VehicleErrorsProto.VehicleErrors;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One fleet-telemetry record from Kafka becomes Teslemetry-shaped events ({@code routes/telemetry.camel.yaml}).
 * Never throws for what a record holds: a record of a vehicle no account subscribes to, or one
 * that does not decode, is counted, logged (its place, never its content) and gives no event.
 * A resend ({@code is_resend}) gives only the signals it changes: a value equal to the last one
 * known, or older than it, is dropped, and a resend that changes nothing gives no event.
 */
public final class TelemetryIngest {
    private static final Logger LOG = LoggerFactory.getLogger(TelemetryIngest.class);
    private static final long WARN_EVERY_MS = 10_000;

    private final String namespace;
    private final RecordDecoder decoder;
    private final TeslemetryEvents events;
    private final SubscribedVins subscribed;
    private final LastValues lastValues;
    /** Waits until what this thread published is written, its values taken: a resend is compared with them. */
    private final Runnable awaitPublished;
    private final Duration stateReadyTimeout;
    private final Clock clock;
    private final LongAdder records = new LongAdder();
    private final LongAdder undecodable = new LongAdder();
    private final LongAdder unsubscribed = new LongAdder();
    private final LongAdder unknownFields = new LongAdder();
    private final LongAdder unchangedResends = new LongAdder();
    private final LongAdder published = new LongAdder();
    private final LongAdder replayed = new LongAdder();
    /** The exchange property naming the record whose events the route publishes. */
    static final String SOURCE = "fleetgateTelemetrySource";
    private final AtomicLong nextWarningAt = new AtomicLong(Long.MIN_VALUE);
    private volatile boolean stateRead;
    /** Per consumer thread, the offset expected next on each partition it read. */
    private final ThreadLocal<Map<TopicPartition, Long>> nextOffsets = ThreadLocal.withInitial(HashMap::new);

    public TelemetryIngest(String namespace, RecordDecoder decoder, TeslemetryEvents events, SubscribedVins subscribed,
                           LastValues lastValues, Runnable awaitPublished, Duration stateReadyTimeout, Clock clock) {
        this.namespace = namespace;
        this.decoder = decoder;
        this.events = events;
        this.subscribed = subscribed;
        this.lastValues = lastValues;
        this.awaitPublished = awaitPublished;
        this.stateReadyTimeout = stateReadyTimeout;
        this.clock = clock;
    }

    /** The record of the exchange (value bytes, Kafka headers) as events; empty when it gives none. */
    public List<VehicleEvent> toEvents(Exchange exchange) {
        org.apache.camel.Message in = exchange.getMessage();
        String topic = in.getHeader(KafkaConstants.TOPIC, String.class);
        int partition = in.getHeader(KafkaConstants.PARTITION, -1, Integer.class);
        long offset = in.getHeader(KafkaConstants.OFFSET, -1L, Long.class);
        String place = topic + "/" + partition + "@" + offset;
        records.increment();
        if (resumedAt(topic, partition, offset)) {
            // whatever this record is: a later one of the partition may be a subscribed vehicle's
            awaitPlacesWrittenBefore();
        }
        Optional<RecordType> type = RecordType.ofTopic(namespace, topic == null ? "" : topic);
        if (type.isEmpty()) {
            return skipUndecodable(place, "not a fleet-telemetry topic of namespace " + namespace);
        }
        String key = in.getHeader(KafkaConstants.KEY, String.class);
        if (key != null && !key.isBlank() && !subscribed.covers(key)) {
            unsubscribed.increment();
            return List.of();
        }
        Message record;
        try {
            record = decoder.decode(type.get(), in.getBody(byte[].class));
        } catch (UndecodableRecord e) {
            return skipUndecodable(place, e.getMessage());
        } catch (RuntimeException e) {
            return skipUndecodable(place, e.getClass().getSimpleName());
        }
        String vin = key != null && !key.isBlank() ? key : vinOf(record);
        if (vin == null || vin.isBlank()) {
            return skipUndecodable(place, "no VIN in the key or the record");
        }
        if (!subscribed.covers(vin)) {
            unsubscribed.increment();
            return List.of();
        }
        awaitLastValues();
        if (lastValues.alreadyPublished(vin, topic, partition, offset)) {
            replayed.increment();
            return List.of();
        }
        exchange.setProperty(SOURCE, new SourcePosition(vin, topic, partition, offset));
        try {
            List<VehicleEvent> mapped = map(vin, record, receivedAt(exchange));
            published.add(mapped.size());
            return mapped;
        } catch (RuntimeException e) {
            return skipUndecodable(place, "cannot map it: " + e.getClass().getSimpleName());
        }
    }

    private List<VehicleEvent> map(String vin, Message record, Instant receivedAt) {
        return switch (record) {
            case Payload payload -> {
                Payload taken = payload.getIsResend() ? changedByResend(vin, payload) : payload;
                if (taken == null) {
                    unchangedResends.increment();
                    yield List.of();
                }
                TeslemetryEvents.DataEvent data = events.data(vin, taken, receivedAt);
                unknownFields.add(data.unknownFields());
                yield data.event() == null ? List.of() : List.of(data.event());
            }
            case VehicleAlerts alerts -> List.of(events.alerts(vin, alerts, receivedAt));
            case VehicleErrors errors -> List.of(events.errors(vin, errors, receivedAt));
            case VehicleConnectivity connectivity -> List.of(events.connectivity(vin, connectivity, receivedAt));
            default -> List.of();
        };
    }

    /**
     * The signals of a resend that say something new: a value unlike the last one known, and not
     * older than it. Null when none does.
     */
    private Payload changedByResend(String vin, Payload resend) {
        // the records of this poll before it may have set some of these values
        awaitPublished.run();
        Instant at = resend.hasCreatedAt() ? TeslemetryEvents.instant(resend.getCreatedAt()) : null;
        Payload.Builder changed = resend.toBuilder().clearData();
        for (Datum datum : resend.getDataList()) {
            String field = TeslemetryEvents.fieldName(datum);
            Optional<LastValue> last = field == null ? Optional.empty() : lastValues.get(vin, "data." + field);
            boolean same = last.isPresent() && sameValue(last.get().value(), TeslemetryEvents.value(datum.getValue()));
            boolean older = last.isPresent() && at != null && at.isBefore(last.get().createdAt());
            if (!same && !older) {
                changed.addData(datum);
            }
        }
        return changed.getDataCount() == 0 ? null : changed.build();
    }

    /** Equal as JSON, numbers by value (a long read back from the state topic is an int node). */
    static boolean sameValue(com.fasterxml.jackson.databind.JsonNode a, com.fasterxml.jackson.databind.JsonNode b) {
        return a.equals((x, y) -> x.equals(y) || x.isNumber() && y.isNumber()
                && x.decimalValue().compareTo(y.decimalValue()) == 0 ? 0 : 1, b);
    }

    /**
     * Whether this record is not the one after the last this thread read on its partition: the
     * first since start, or since a rebalance gave the partition to this consumer (its records
     * from the last committed offset on, which another replica may have published already).
     */
    private boolean resumedAt(String topic, int partition, long offset) {
        Long expected = nextOffsets.get().put(new TopicPartition(String.valueOf(topic), partition), offset + 1);
        return expected == null || expected != offset;
    }

    /**
     * Until the state topic is read to its end: the places of records whose events were published
     * before (by another replica too) are known, so those records are skipped, not published again.
     * Offsets are committed at most once per {@code fleetgate.telemetry.commit-interval-ms}, so a
     * partition's new owner may read again what its last owner published in that time.
     */
    private void awaitPlacesWrittenBefore() {
        try {
            lastValues.readToEnd().get(stateReadyTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("the vehicle state topic was not read to its end within {} ms: records read again may be published again",
                    stateReadyTimeout.toMillis());
        }
    }

    private void awaitLastValues() {
        if (stateRead) {
            return;
        }
        try {
            stateRead = lastValues.awaitCaughtUp(stateReadyTimeout);
            if (!stateRead) {
                LOG.warn("the vehicle state topic was not read to its end within {} ms: resends are compared with what is known",
                        stateReadyTimeout.toMillis());
                stateRead = true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String vinOf(Message record) {
        return switch (record) {
            case Payload p -> p.getVin();
            case VehicleAlerts a -> a.getVin();
            case VehicleErrors e -> e.getVin();
            case VehicleConnectivity c -> c.getVin();
            default -> null;
        };
    }

    /** fleet-telemetry's {@code receivedat} header (epoch ms), else the record's timestamp, else now. */
    private Instant receivedAt(Exchange exchange) {
        Object header = exchange.getMessage().getHeader("receivedat");
        String text = header instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8)
                : header == null ? null : header.toString();
        if (text != null) {
            try {
                long millis = Long.parseLong(text.trim());
                if (millis > 0) {
                    return Instant.ofEpochMilli(millis);
                }
            } catch (NumberFormatException ignored) {
                // fall through
            }
        }
        Long timestamp = exchange.getMessage().getHeader(KafkaConstants.TIMESTAMP, Long.class);
        return timestamp != null && timestamp > 0 ? Instant.ofEpochMilli(timestamp) : clock.instant();
    }

    private List<VehicleEvent> skipUndecodable(String place, String reason) {
        undecodable.increment();
        long now = clock.millis();
        long allowed = nextWarningAt.get();
        if (now >= allowed && nextWarningAt.compareAndSet(allowed, now + WARN_EVERY_MS)) {
            LOG.warn("fleet-telemetry record {} skipped: {} ({} skipped so far)", place, reason, undecodable.sum());
        } else {
            LOG.debug("fleet-telemetry record {} skipped: {}", place, reason);
        }
        return List.of();
    }

    /** After a failure the route could not retry away (counted with the undecodable ones). */
    public void failed(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        skipUndecodable(exchange.getMessage().getHeader(KafkaConstants.TOPIC, String.class),
                e == null ? "failed" : e.getClass().getSimpleName());
    }

    public long records() {
        return records.sum();
    }

    public long undecodableRecords() {
        return undecodable.sum();
    }

    public long unsubscribedRecords() {
        return unsubscribed.sum();
    }

    public long unknownFields() {
        return unknownFields.sum();
    }

    public long unchangedResends() {
        return unchangedResends.sum();
    }

    /** Records read again whose events had been published already (skipped). */
    public long replayedRecords() {
        return replayed.sum();
    }

    public long publishedEvents() {
        return published.sum();
    }
}
