package io.fleetgate.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Timestamp;
import io.fleetgate.telemetry.proto.VehicleAlertsProto.Audience;
import io.fleetgate.telemetry.proto.VehicleAlertsProto.VehicleAlert;
import io.fleetgate.telemetry.proto.VehicleAlertsProto.VehicleAlerts;
import io.fleetgate.telemetry.proto.VehicleConnectivityProto.ConnectivityEvent;
import io.fleetgate.telemetry.proto.VehicleConnectivityProto.VehicleConnectivity;
import io.fleetgate.telemetry.proto.VehicleData;
import io.fleetgate.telemetry.proto.VehicleData.Datum;
import io.fleetgate.telemetry.proto.VehicleData.Field;
import io.fleetgate.telemetry.proto.VehicleData.Payload;
import io.fleetgate.telemetry.proto.VehicleData.Value;
import io.fleetgate.telemetry.proto.VehicleErrorsProto.VehicleError;
import io.fleetgate.telemetry.proto.VehicleErrorsProto.VehicleErrors;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulator as fleet-telemetry: every interval, each online vehicle's signals that changed
 * (all of them on its first record after connecting) go to {@code <namespace>_V} as a protobuf
 * {@code Payload}, with the headers fleet-telemetry sets ({@code vin}, {@code receivedat},
 * {@code txid}, {@code txtype}, {@code version}, {@code timestamp}, {@code device_client_version});
 * a vehicle that comes online or goes to sleep (or offline) gives a {@code CONNECTED} or
 * {@code DISCONNECTED} record on {@code _connectivity}; alerts and errors go out when asked for.
 * A vehicle that holds a streaming config ({@link TelemetryConfigs}) sends only the configured
 * fields the simulator has values for, each at most once per its {@code interval_seconds}; without
 * one, the default field set on every change.
 * Key: the VIN. One thread; a send Kafka refuses is logged and not retried (the vehicle would
 * send its next change anyway).
 */
public final class TelemetryEmitter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TelemetryEmitter.class);
    static final String CLIENT_VERSION = "1.2.0";
    static final String NETWORK_INTERFACE = "wifi";

    private final SimulatedFleet fleet;
    private final SimTelemetry telemetry;
    private final Clock clock;
    private final TelemetryStreaming streaming;
    private final KafkaProducer<String, byte[]> producer;
    private final ScheduledExecutorService ticks;
    /** Per VIN: the connection id while connected. */
    private final Map<String, String> connections = new ConcurrentHashMap<>();
    /** Per VIN: the signals last sent, so only changes go out. */
    private final Map<String, Map<Field, Value>> sent = new ConcurrentHashMap<>();
    /** Per VIN: when each signal was last sent, so a configured interval is kept. */
    private final Map<String, Map<Field, Instant>> sentAt = new ConcurrentHashMap<>();

    TelemetryEmitter(SimulatedFleet fleet, SimTelemetry telemetry, Clock clock, TelemetryStreaming streaming) {
        this.fleet = fleet;
        this.telemetry = telemetry;
        this.clock = clock;
        this.streaming = streaming;
        Properties properties = new Properties();
        properties.putAll(streaming.kafka());
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.CLIENT_ID_CONFIG, "fleetgate-sim-fleet-telemetry");
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000);
        this.producer = new KafkaProducer<>(properties);
        this.ticks = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("fleetgate-sim-telemetry").factory());
    }

    void start() {
        long every = streaming.interval().toMillis();
        ticks.scheduleWithFixedDelay(this::tick, 0, every, TimeUnit.MILLISECONDS);
    }

    public TelemetryStreaming streaming() {
        return streaming;
    }

    /** An alert record now: active ({@code ended} false) or just ended. */
    public void alert(String vin, String name, List<String> audiences, boolean ended) {
        Instant now = clock.instant();
        VehicleAlert.Builder alert = VehicleAlert.newBuilder().setName(name).setStartedAt(timestamp(ended ? now.minusSeconds(60) : now));
        audiences.forEach(a -> alert.addAudiences(Audience.valueOf(a)));
        if (ended) {
            alert.setEndedAt(timestamp(now));
        }
        send("alerts", vin, VehicleAlerts.newBuilder().setVin(vin).setCreatedAt(timestamp(now)).addAlerts(alert).build().toByteArray());
    }

    /** An error record now, as a vehicle reports a problem with its streaming. */
    public void error(String vin, String name, String body, Map<String, String> tags) {
        Instant now = clock.instant();
        send("errors", vin, VehicleErrors.newBuilder().setVin(vin).setCreatedAt(timestamp(now))
                .addErrors(VehicleError.newBuilder().setCreatedAt(timestamp(now)).setName(name).setBody(body).putAllTags(tags))
                .build().toByteArray());
    }

    private void tick() {
        try {
            for (SimVehicle vehicle : fleet.vehicles()) {
                if (vehicle.isOnline()) {
                    if (!connections.containsKey(vehicle.vin())) {
                        connected(vehicle.vin());
                    }
                    signals(vehicle);
                } else if (connections.containsKey(vehicle.vin())) {
                    disconnected(vehicle.vin());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("simulated fleet-telemetry tick failed: {}", e.toString());
        }
    }

    private void connected(String vin) {
        String connection = UUID.randomUUID().toString();
        connections.put(vin, connection);
        sent.remove(vin);
        sentAt.remove(vin);
        connectivity(vin, connection, ConnectivityEvent.CONNECTED);
    }

    private void disconnected(String vin) {
        connectivity(vin, connections.remove(vin), ConnectivityEvent.DISCONNECTED);
        sent.remove(vin);
        sentAt.remove(vin);
    }

    private void connectivity(String vin, String connection, ConnectivityEvent status) {
        send("connectivity", vin, VehicleConnectivity.newBuilder().setVin(vin).setConnectionId(connection).setStatus(status)
                .setNetworkInterface(NETWORK_INTERFACE).setCreatedAt(timestamp(clock.instant())).build().toByteArray());
    }

    private void signals(SimVehicle vehicle) {
        SimMotion motion = telemetry.advance(vehicle.vin(), streaming.interval());
        Instant at = clock.instant();
        Map<Field, Value> now = signalsOf(vehicle, motion);
        Optional<Map<Field, Duration>> configured = fleet.telemetryConfigs().config(vehicle.vin()).map(TelemetryEmitter::intervalsOf);
        Map<Field, Value> last = sent.getOrDefault(vehicle.vin(), Map.of());
        Map<Field, Instant> lastAt = sentAt.getOrDefault(vehicle.vin(), Map.of());
        Payload.Builder payload = Payload.newBuilder().setVin(vehicle.vin()).setCreatedAt(timestamp(at));
        Map<Field, Value> nowSent = new HashMap<>(last);
        Map<Field, Instant> nowSentAt = new HashMap<>(lastAt);
        now.forEach((field, value) -> {
            if (value.equals(last.get(field))) {
                return;
            }
            if (configured.isPresent()) {
                // a configured vehicle streams only its fields, each at most once per interval_seconds
                Duration interval = configured.get().get(field);
                Instant previous = lastAt.get(field);
                if (interval == null || previous != null && Duration.between(previous, at).compareTo(interval) < 0) {
                    return;
                }
            }
            payload.addData(Datum.newBuilder().setKey(field).setValue(value));
            nowSent.put(field, value);
            nowSentAt.put(field, at);
        });
        if (payload.getDataCount() > 0) {
            send("V", vehicle.vin(), payload.build().toByteArray());
            sent.put(vehicle.vin(), nowSent);
            sentAt.put(vehicle.vin(), nowSentAt);
        }
    }

    /**
     * The fields of a held config with their {@code interval_seconds} (a field without one: every
     * tick); fields these protos do not name are left out, as are those the simulator has no value for.
     */
    static Map<Field, Duration> intervalsOf(ObjectNode config) {
        Map<Field, Duration> intervals = new HashMap<>();
        config.path("fields").fields().forEachRemaining(entry -> {
            try {
                intervals.put(Field.valueOf(entry.getKey()),
                        Duration.ofSeconds(Math.max(0, entry.getValue().path("interval_seconds").asLong(0))));
            } catch (IllegalArgumentException unknown) {
                // a field newer than these protos: the simulated vehicle does not stream it
            }
        });
        return intervals;
    }

    /** Every signal the simulator has a value for: the default field set, streamed while a vehicle holds no config. */
    static Map<Field, Value> signalsOf(SimVehicle vehicle, SimMotion motion) {
        Map<Field, Value> signals = new LinkedHashMap<>();
        boolean driving = motion.activity() == SimMotion.Activity.DRIVING;
        boolean charging = motion.activity() == SimMotion.Activity.CHARGING;
        signals.put(Field.VehicleName, Value.newBuilder().setStringValue(vehicle.displayName()).build());
        signals.put(Field.Version, Value.newBuilder().setStringValue(vehicle.firmwareVersion()).build());
        signals.put(Field.Location, Value.newBuilder().setLocationValue(VehicleData.LocationValue.newBuilder()
                .setLatitude(round(motion.latitude(), 6)).setLongitude(round(motion.longitude(), 6))).build());
        signals.put(Field.VehicleSpeed, Value.newBuilder().setDoubleValue(round(motion.speedMph(), 1)).build());
        signals.put(Field.Gear, Value.newBuilder().setShiftStateValue(
                driving ? VehicleData.ShiftState.ShiftStateD : VehicleData.ShiftState.ShiftStateP).build());
        signals.put(Field.Odometer, Value.newBuilder().setDoubleValue(round(motion.odometerMiles(), 2)).build());
        signals.put(Field.BatteryLevel, Value.newBuilder().setDoubleValue(round(motion.batteryLevel(), 2)).build());
        signals.put(Field.Soc, Value.newBuilder().setDoubleValue(round(motion.batteryLevel(), 1)).build());
        signals.put(Field.EstBatteryRange, Value.newBuilder().setDoubleValue(round(motion.batteryLevel() * 3.1, 1)).build());
        signals.put(Field.ChargeLimitSoc, Value.newBuilder().setIntValue(motion.chargeLimit()).build());
        signals.put(Field.DetailedChargeState, Value.newBuilder().setDetailedChargeStateValue(
                !charging ? VehicleData.DetailedChargeStateValue.DetailedChargeStateDisconnected
                        : motion.chargeComplete() ? VehicleData.DetailedChargeStateValue.DetailedChargeStateComplete
                        : VehicleData.DetailedChargeStateValue.DetailedChargeStateCharging).build());
        signals.put(Field.Locked, Value.newBuilder().setBooleanValue(!driving).build());
        signals.put(Field.DoorState, Value.newBuilder().setDoorValue(VehicleData.Doors.getDefaultInstance()).build());
        return signals;
    }

    /**
     * A record as fleet-telemetry writes it: topic {@code <namespace>_<txtype>}, key the VIN, and
     * its headers ({@code receivedat} in epoch ms). The benchmark's stream section produces these too.
     */
    public static ProducerRecord<String, byte[]> fleetTelemetryRecord(String namespace, String txtype, String vin, byte[] value,
                                                                      long receivedAtMillis) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(namespace + "_" + txtype, vin, value);
        Map<String, String> headers = new HashMap<>();
        headers.put("vin", vin);
        headers.put("receivedat", String.valueOf(receivedAtMillis));
        headers.put("txid", UUID.randomUUID().toString());
        headers.put("txtype", txtype);
        // fleet-telemetry never sets these two, so they are always "0"
        headers.put("version", "0");
        headers.put("timestamp", "0");
        headers.put("device_client_version", CLIENT_VERSION);
        headers.forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        return record;
    }

    private void send(String txtype, String vin, byte[] value) {
        ProducerRecord<String, byte[]> record = fleetTelemetryRecord(streaming.namespace(), txtype, vin, value, clock.millis());
        try {
            producer.send(record, (metadata, failure) -> {
                if (failure != null) {
                    LOG.warn("simulated fleet-telemetry record to {} not written: {}", record.topic(), failure.toString());
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("simulated fleet-telemetry record to {} not written: {}", record.topic(), e.toString());
        }
    }

    private static Timestamp timestamp(Instant at) {
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    @Override
    public void close() {
        ticks.shutdownNow();
        try {
            ticks.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(java.time.Duration.ofSeconds(2));
        telemetry.detach(this);
    }
}
