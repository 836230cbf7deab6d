package io.fleetgate.telemetry;

import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The Kafka records of a vehicle event ({@code routes/telemetry.camel.yaml}): the event on the
 * events topic (key VIN, header {@code fleetgate-event}), then, once Kafka has placed it, the last
 * values it sets on the state topic (key {@code <VIN>/<key>}), which this replica takes at once.
 */
public final class VehicleEventRecords {
    static final String EVENT = "fleetgateVehicleEvent";

    private final LastValues lastValues;

    public VehicleEventRecords(LastValues lastValues) {
        this.lastValues = lastValues;
    }

    /** Body: a {@link VehicleEvent}; becomes its JSON, keyed by VIN. */
    public void eventRecord(Exchange exchange) {
        VehicleEvent event = exchange.getMessage().getBody(VehicleEvent.class);
        exchange.setProperty(EVENT, event);
        exchange.getMessage().setHeader(KafkaConstants.KEY, event.vin());
        exchange.getMessage().setHeader(VehicleEventFeed.EVENT_HEADER, event.topic().wire());
        exchange.getMessage().setBody(event.json());
    }

    /**
     * After the event was written: the state records of the values it set (each taken here at
     * once), as messages keyed {@code <VIN>/<key>}, for one send of them all.
     */
    public List<org.apache.camel.Message> stateRecords(Exchange exchange) {
        List<org.apache.camel.Message> records = new java.util.ArrayList<>();
        for (LastValue value : valuesSet(exchange)) {
            org.apache.camel.Message record = new org.apache.camel.support.DefaultMessage(exchange.getContext());
            record.setHeader(KafkaConstants.KEY, value.recordKey());
            record.setBody(lastValues.recordValue(value));
            records.add(record);
        }
        exchange.getMessage().removeHeaders("*");
        return records;
    }

    /** After the event was written: the values it set, each taken here at once. */
    List<LastValue> valuesSet(Exchange exchange) {
        VehicleEvent event = exchange.getProperty(EVENT, VehicleEvent.class);
        List<?> metadata = exchange.getMessage().getHeader(KafkaConstants.KAFKA_RECORD_META, List.class);
        if (event == null || metadata == null || metadata.isEmpty() || !(metadata.get(0) instanceof RecordMetadata placed)) {
            throw new IllegalStateException("Kafka did not say where the vehicle event was written");
        }
        List<LastValue> values = lastValues.valuesSetBy(event, new EventId(placed.partition(), placed.offset()));
        values.forEach(lastValues::apply);
        return values;
    }

    /**
     * After a record's events were written: its position, taken here at once, as the state record
     * {@code <VIN>/source.<topic>}; the body is null when the record gave no position (not decoded,
     * not subscribed, a replay).
     */
    public void sourceRecord(Exchange exchange) {
        SourcePosition position = exchange.getProperty(TelemetryIngest.SOURCE, SourcePosition.class);
        exchange.getMessage().removeHeaders("*");
        if (position == null) {
            exchange.getMessage().setBody(null);
            return;
        }
        lastValues.apply(position);
        exchange.getMessage().setHeader(KafkaConstants.KEY, position.recordKey());
        exchange.getMessage().setBody(lastValues.recordValue(position));
    }

}
