package io.fleetgate.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.kafka.KafkaClientConfig;
import io.fleetgate.kafka.StartPosition;
import io.fleetgate.kafka.TopicFollower;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last value of every field (and the connectivity and state) of every vehicle, materialised
 * from the compacted {@code fleetgate.vehicle-state.v1}: every replica reads it from the
 * beginning at start and follows it, so a snapshot survives restarts and replicas agree. The
 * replica that publishes an event also applies its values here at once (before reading them
 * back), so the next record of the same vehicle is compared with them. Of two values for one key
 * the one set by the later event (Kafka's order) wins, whichever arrives here last.
 */
public final class LastValues extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger(LastValues.class);

    private final Map<String, Map<String, LastValue>> byVin = new ConcurrentHashMap<>();
    /** By {@code <VIN>/source.<topic>}. */
    private final Map<String, SourcePosition> sources = new ConcurrentHashMap<>();
    private final ObjectMapper json;
    private final TopicFollower<String> follower;
    private final LongAdder unreadable = new LongAdder();

    public LastValues(Map<String, Object> kafkaClients, String stateTopic, ObjectMapper json) {
        this.json = json;
        // not a followerReader: readToEnd's end offsets would wait behind its long fetch
        this.follower = new TopicFollower<>("the vehicle last values",
                KafkaClientConfig.promptReader(kafkaClients, "fleetgate-vehicle-state-reader", StringDeserializer.class),
                stateTopic, StartPosition.beginning(), this::read).paced(KafkaClientConfig.FOLLOWER_PACE);
    }

    @Override
    protected void doStart() {
        follower.start();
    }

    @Override
    protected void doStop() {
        follower.stop();
    }

    /** Waits until the state topic has been read up to where it ended at start; false on timeout. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return follower.awaitCaughtUp(timeout);
    }

    public boolean isCaughtUp() {
        return follower.isCaughtUp();
    }

    /** Completes once every value written before this call has been read back from the topic. */
    public java.util.concurrent.CompletableFuture<Void> readToEnd() {
        return follower.readToEnd();
    }

    /** The vehicle's last values as events marked {@code isCache} (state, connectivity, then data fields by createdAt). */
    public List<StreamedEvent> snapshot(String vin) {
        Map<String, LastValue> values = byVin.get(vin);
        if (values == null) {
            return List.of();
        }
        return values.values().stream()
                .sorted(Comparator.comparing((LastValue v) -> v.topic().ordinal() * -1)
                        .thenComparing(LastValue::createdAt).thenComparing(LastValue::key))
                .map(v -> new StreamedEvent(v.eventId(), v.asCachedEvent()))
                .toList();
    }

    /** The vehicle's last values by key ({@code data.BatteryLevel}, {@code connectivity}, {@code state}). */
    public Map<String, LastValue> valuesOf(String vin) {
        return Map.copyOf(byVin.getOrDefault(vin, Map.of()));
    }

    public Optional<LastValue> get(String vin, String key) {
        return Optional.ofNullable(byVin.getOrDefault(vin, Map.of()).get(key));
    }

    /** Vehicles with at least one value. */
    public int vehicles() {
        return byVin.size();
    }

    /** State records that were not last values (skipped). */
    public long unreadableRecords() {
        return unreadable.sum();
    }

    /** The values an event just published at {@code id} sets; alerts, errors and configs set none. */
    public List<LastValue> valuesSetBy(VehicleEvent event, EventId id) {
        return switch (event.topic()) {
            case DATA -> {
                List<LastValue> values = new ArrayList<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = event.body().path("data").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    values.add(new LastValue(event.vin(), EventTopic.DATA, field.getKey(), field.getValue(), event.createdAt(), id));
                }
                yield values;
            }
            case CONNECTIVITY -> List.of(new LastValue(event.vin(), EventTopic.CONNECTIVITY, null, json.createObjectNode()
                    .put("networkInterface", event.body().path("networkInterface").asText())
                    .put("status", event.body().path("status").asText()), event.createdAt(), id));
            case STATE -> List.of(new LastValue(event.vin(), EventTopic.STATE, null, event.body().get("state"), event.createdAt(), id));
            // the values a vehicle_data document has for telemetry fields, as data values
            case VEHICLE_DATA -> VehicleDataFields.values(event.body().path("vehicle_data")).entrySet().stream()
                    .map(f -> new LastValue(event.vin(), EventTopic.DATA, f.getKey(), f.getValue(), event.createdAt(), id))
                    .toList();
            case ALERTS, ERRORS, CONFIG -> List.of();
        };
    }

    /** Takes the value at once (this replica published it); reading it back later changes nothing. */
    public void apply(LastValue value) {
        byVin.computeIfAbsent(value.vin(), vin -> new ConcurrentHashMap<>())
                .merge(value.key(), value, (known, offered) -> offered.isAfter(known) ? offered : known);
    }

    /** Whether the vehicle's events of this input record were already published (a replay). */
    public boolean alreadyPublished(String vin, String topic, int partition, long offset) {
        SourcePosition last = sources.get(vin + "/source." + topic);
        return last != null && last.covers(partition, offset);
    }

    /** Takes the position at once (this replica published the record's events). */
    public void apply(SourcePosition position) {
        sources.merge(position.recordKey(), position, (known, offered) ->
                offered.partition() != known.partition() || offered.offset() > known.offset() ? offered : known);
    }

    /** The state topic record's value for a source position. */
    public String recordValue(SourcePosition position) {
        return json.createObjectNode().put("vin", position.vin()).put("topic", position.topic())
                .put("partition", position.partition()).put("offset", position.offset()).toString();
    }

    /** The state topic record's value for a last value. */
    public String recordValue(LastValue value) {
        ObjectNode record = json.createObjectNode().put("vin", value.vin()).put("topic", value.topic().wire());
        if (value.field() != null) {
            record.put("field", value.field());
        }
        record.set("value", value.value());
        record.put("createdAt", TeslemetryEvents.createdAt(value.createdAt()));
        record.put("event_id", value.eventId().toString());
        return record.toString();
    }

    LastValue fromRecord(String text) throws java.io.IOException {
        JsonNode node = json.readTree(text);
        EventTopic topic = EventTopic.ofWire(node.path("topic").asText())
                .orElseThrow(() -> new java.io.IOException("unknown topic"));
        EventId id = EventId.parse(node.path("event_id").asText()).orElseThrow(() -> new java.io.IOException("no event_id"));
        return new LastValue(node.path("vin").asText(), topic, node.hasNonNull("field") ? node.get("field").asText() : null,
                node.get("value"), Instant.parse(node.path("createdAt").asText()), id);
    }

    private void read(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            forget(record.key());
            return;
        }
        try {
            if (record.key() != null && record.key().contains("/source.")) {
                JsonNode node = json.readTree(record.value());
                apply(new SourcePosition(node.path("vin").asText(), node.path("topic").asText(),
                        node.path("partition").asInt(), node.path("offset").asLong()));
                return;
            }
            apply(fromRecord(record.value()));
        } catch (java.io.IOException | RuntimeException e) {
            unreadable.increment();
            LOG.warn("vehicle state record at {}-{} skipped: not a last value ({})", record.partition(), record.offset(),
                    e.getClass().getSimpleName());
        }
    }

    /** A tombstone {@code <VIN>/<key>} removes that value. */
    private void forget(String recordKey) {
        if (recordKey == null) {
            return;
        }
        sources.remove(recordKey);
        int slash = recordKey.indexOf('/');
        if (slash > 0) {
            Map<String, LastValue> values = byVin.get(recordKey.substring(0, slash));
            if (values != null) {
                values.remove(recordKey.substring(slash + 1));
            }
        }
    }
}
