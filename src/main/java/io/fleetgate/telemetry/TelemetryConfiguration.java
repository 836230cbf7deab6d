package io.fleetgate.telemetry;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.account.AccountStore;
import io.fleetgate.json.JsonMappers;
import io.fleetgate.kafka.KafkaClientConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;

/**
 * Binds the streaming beans (settings {@code fleetgate.telemetry.*}) for {@code routes/telemetry.camel.yaml}
 * and for whatever streams events to callers:
 * <ul>
 *   <li>{@code telemetryIngest}: {@link TelemetryIngest}, a fleet-telemetry record to events;</li>
 *   <li>{@code vehicleEventWriter}: {@link VehicleEventWriter}, an event's records on the events and state topics;</li>
 *   <li>{@code telemetryOffsets}: {@link TelemetryOffsets}, the ingest's offset commits, at most once per interval;</li>
 *   <li>{@code vehicleStateEvents}: {@link VehicleStateEvents}, {@code state} events from Fleet API answers;</li>
 *   <li>{@code vehicleStatesInAnswers}: {@link VehicleStatesInAnswers}, the states reads' answers tell;</li>
 *   <li>{@code lastValues}: {@link LastValues}, the last values per VIN (snapshots, {@code cache=true});</li>
 *   <li>{@code vehicleEventFeed}: {@link VehicleEventFeed}, live events by subscription, resumable by offset.</li>
 * </ul>
 */
public final class TelemetryConfiguration {
    /** Where learned states wait for the route that publishes them. */
    static final String STATE_QUEUE_PROPERTY = "fleetgate.telemetry.state-queue";

    private TelemetryConfiguration() {}

    public static VehicleStateEvents bind(CamelContext context, AccountStore accounts, Clock clock) {
        PropertiesComponent properties = context.getPropertiesComponent();
        Registry registry = context.getRegistry();
        ObjectMapper json = JsonMappers.newMapper();
        Map<String, Object> kafkaClients = KafkaClientConfig.of(required(properties, "fleetgate.kafka.bootstrap-servers"),
                properties::resolveProperty);
        LastValues lastValues = new LastValues(kafkaClients, required(properties, "fleetgate.topics.vehicle-state"), json);
        VehicleEventFeed feed = new VehicleEventFeed(kafkaClients, required(properties, "fleetgate.topics.vehicle-events"), json);
        VehicleEventWriter writer = new VehicleEventWriter(kafkaClients, required(properties, "fleetgate.topics.vehicle-events"),
                required(properties, "fleetgate.topics.vehicle-state"), lastValues,
                (int) millis(properties, "fleetgate.telemetry.linger-ms").toMillis());
        try {
            context.addService(lastValues, true, true);
            context.addService(feed, true, true);
            context.addService(writer, true, true);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the vehicle state and event readers: " + e, e);
        }
        TeslemetryEvents events = new TeslemetryEvents();
        TelemetryIngest ingest = new TelemetryIngest(required(properties, "fleetgate.telemetry.namespace"),
                new RecordDecoder(TelemetryFormat.ofSetting(required(properties, "fleetgate.telemetry.format")), json),
                events, new SubscribedVins(accounts, clock, millis(properties, "fleetgate.telemetry.subscriptions-refresh-ms")),
                lastValues, writer::awaitWritten, millis(properties, "fleetgate.telemetry.state-ready-timeout-ms"), clock);
        VehicleStateEvents states = new VehicleStateEvents(context.createProducerTemplate(),
                required(properties, STATE_QUEUE_PROPERTY), events, lastValues, clock);
        registry.bind("lastValues", lastValues);
        registry.bind("vehicleEventFeed", feed);
        registry.bind("telemetryIngest", ingest);
        registry.bind("vehicleEventWriter", writer);
        registry.bind("telemetryOffsets", new TelemetryOffsets(millis(properties, "fleetgate.telemetry.commit-interval-ms")));
        registry.bind("vehicleStateEvents", states);
        registry.bind("vehicleStatesInAnswers", new VehicleStatesInAnswers(states));
        return states;
    }

    private static Duration millis(PropertiesComponent properties, String key) {
        String value = required(properties, key);
        try {
            return Duration.ofMillis(Long.parseLong(value));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("setting " + key + " must be a whole number of milliseconds, got: " + value);
        }
    }

    private static String required(PropertiesComponent properties, String key) {
        return properties.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty())
                .orElseThrow(() -> new IllegalStateException("setting " + key + " is required"));
    }
}
