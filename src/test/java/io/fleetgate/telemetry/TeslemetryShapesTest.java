package io.fleetgate.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.fleetgate.json.JsonMappers;
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
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * fleet-telemetry records, as protobuf and as protojson, become exactly the Teslemetry event JSON
 * (reference streaming.md 3.2), written out here by hand for every kind of value.
 */
class TeslemetryShapesTest {
    private static final String VIN = "5YJ3E1EA6LF000001";
    private static final Instant RECEIVED = Instant.parse("2026-11-26T18:00:09Z");
    private static final Timestamp CREATED = Timestamp.newBuilder().setSeconds(1795716007L).setNanos(412000000).build();

    private final RecordDecoder protobuf = new RecordDecoder(TelemetryFormat.PROTOBUF, JsonMappers.newMapper());
    private final RecordDecoder protojson = new RecordDecoder(TelemetryFormat.JSON, JsonMappers.newMapper());
    private final TeslemetryEvents events = new TeslemetryEvents();

    /** Every kind of value a datum can carry, one field each, in the data event Teslemetry sends. */
    private static final String DATA_EVENT = "{\"data\":{"
            + "\"VehicleName\":\"Demo Three\","
            + "\"ChargeAmps\":32,"
            + "\"ScheduledChargingStartTime\":1767225600,"
            + "\"EstBatteryRange\":231.4,"
            + "\"BatteryLevel\":81.52,"
            + "\"Locked\":true,"
            + "\"Location\":{\"latitude\":37.4419,\"longitude\":-122.143},"
            + "\"Gear\":\"ShiftStateD\","
            + "\"VehicleSpeed\":null,"
            + "\"SentryMode\":\"SentryModeStateArmed\","
            + "\"DetailedChargeState\":\"DetailedChargeStateCharging\","
            + "\"DoorState\":{\"DriverFront\":true,\"DriverRear\":false,\"PassengerFront\":false,\"PassengerRear\":false,"
            + "\"TrunkFront\":false,\"TrunkRear\":true},"
            + "\"ScheduledDepartureTime\":27045,"
            + "\"TpmsHardWarnings\":{\"front_left\":true,\"front_right\":false,\"rear_left\":false,\"rear_right\":false,"
            + "\"semi_middle_axle_left_2\":false,\"semi_middle_axle_right_2\":false,\"semi_rear_axle_left\":false,"
            + "\"semi_rear_axle_right\":false,\"semi_rear_axle_left_2\":false,\"semi_rear_axle_right_2\":false}"
            + "},\"createdAt\":\"2026-11-26T18:00:07.412000000Z\",\"vin\":\"5YJ3E1EA6LF000001\"}";

    static Payload everyKindOfValue() {
        return Payload.newBuilder()
                .setVin(VIN).setCreatedAt(CREATED)
                .addData(datum(Field.VehicleName, Value.newBuilder().setStringValue("Demo Three")))
                .addData(datum(Field.ChargeAmps, Value.newBuilder().setIntValue(32)))
                .addData(datum(Field.ScheduledChargingStartTime, Value.newBuilder().setLongValue(1767225600L)))
                .addData(datum(Field.EstBatteryRange, Value.newBuilder().setFloatValue(231.4f)))
                .addData(datum(Field.BatteryLevel, Value.newBuilder().setDoubleValue(81.52)))
                .addData(datum(Field.Locked, Value.newBuilder().setBooleanValue(true)))
                .addData(datum(Field.Location, Value.newBuilder().setLocationValue(
                        VehicleData.LocationValue.newBuilder().setLatitude(37.4419).setLongitude(-122.143))))
                .addData(datum(Field.Gear, Value.newBuilder().setShiftStateValue(VehicleData.ShiftState.ShiftStateD)))
                .addData(datum(Field.VehicleSpeed, Value.newBuilder().setInvalid(true)))
                .addData(datum(Field.SentryMode, Value.newBuilder().setSentryModeStateValue(VehicleData.SentryModeState.SentryModeStateArmed)))
                .addData(datum(Field.DetailedChargeState, Value.newBuilder()
                        .setDetailedChargeStateValue(VehicleData.DetailedChargeStateValue.DetailedChargeStateCharging)))
                .addData(datum(Field.DoorState, Value.newBuilder().setDoorValue(
                        VehicleData.Doors.newBuilder().setDriverFront(true).setTrunkRear(true))))
                .addData(datum(Field.ScheduledDepartureTime, Value.newBuilder().setTimeValue(
                        VehicleData.Time.newBuilder().setHour(7).setMinute(30).setSecond(45))))
                .addData(datum(Field.TpmsHardWarnings, Value.newBuilder().setTireLocationValue(
                        VehicleData.TireLocation.newBuilder().setFrontLeft(true))))
                .build();
    }

    /** The same record as fleet-telemetry's protojson (EmitUnpopulated, enum names, int64 as a string). */
    private static final String DATA_PROTOJSON = """
            {"data":[
              {"key":"VehicleName","value":{"stringValue":"Demo Three"}},
              {"key":"ChargeAmps","value":{"intValue":32}},
              {"key":"ScheduledChargingStartTime","value":{"longValue":"1767225600"}},
              {"key":"EstBatteryRange","value":{"floatValue":231.4}},
              {"key":"BatteryLevel","value":{"doubleValue":81.52}},
              {"key":"Locked","value":{"booleanValue":true}},
              {"key":"Location","value":{"locationValue":{"latitude":37.4419,"longitude":-122.143}}},
              {"key":"Gear","value":{"shiftStateValue":"ShiftStateD"}},
              {"key":"VehicleSpeed","value":{"invalid":true}},
              {"key":"SentryMode","value":{"sentryModeStateValue":"SentryModeStateArmed"}},
              {"key":"DetailedChargeState","value":{"detailedChargeStateValue":"DetailedChargeStateCharging"}},
              {"key":"DoorState","value":{"doorValue":{"DriverFront":true,"DriverRear":false,"PassengerFront":false,
                 "PassengerRear":false,"TrunkFront":false,"TrunkRear":true}}},
              {"key":"ScheduledDepartureTime","value":{"timeValue":{"hour":7,"minute":30,"second":45}}},
              {"key":"TpmsHardWarnings","value":{"tireLocationValue":{"frontLeft":true,"frontRight":false,"rearLeft":false,
                 "rearRight":false,"semiMiddleAxleLeft2":false,"semiMiddleAxleRight2":false,"semiRearAxleLeft":false,
                 "semiRearAxleRight":false,"semiRearAxleLeft2":false,"semiRearAxleRight2":false}}}
            ],"createdAt":"2026-11-26T18:00:07.412Z","vin":"5YJ3E1EA6LF000001","isResend":false}
            """;

    @Test
    void protobufDataRecordBecomesTheFlatDataEvent() throws Exception {
        Message decoded = protobuf.decode(RecordType.DATA, everyKindOfValue().toByteArray());

        TeslemetryEvents.DataEvent data = events.data(VIN, (Payload) decoded, RECEIVED);

        assertThat(data.event().json()).isEqualTo(DATA_EVENT);
        assertThat(data.event().topic()).isEqualTo(EventTopic.DATA);
        assertThat(data.unknownFields()).isZero();
    }

    @Test
    void protojsonDataRecordBecomesTheSameEvent() throws Exception {
        Message decoded = protojson.decode(RecordType.DATA, DATA_PROTOJSON.getBytes(StandardCharsets.UTF_8));

        assertThat(events.data(VIN, (Payload) decoded, RECEIVED).event().json()).isEqualTo(DATA_EVENT);
    }

    @Test
    void signalsTheseProtosDoNotNameAreSkippedAndCounted() throws Exception {
        byte[] withUnknownNumber = Payload.newBuilder().setCreatedAt(CREATED)
                .addData(Datum.newBuilder().setKeyValue(9999).setValue(Value.newBuilder().setIntValue(1)))
                .addData(datum(Field.Soc, Value.newBuilder().setDoubleValue(80.0))).build().toByteArray();
        String json = "{\"data\":[{\"key\":\"SomeFieldOfNextYear\",\"value\":{\"intValue\":1}},"
                + "{\"key\":\"Soc\",\"value\":{\"doubleValue\":80}}],\"createdAt\":\"2026-11-26T18:00:07.412Z\"}";

        TeslemetryEvents.DataEvent fromProtobuf = events.data(VIN, (Payload) protobuf.decode(RecordType.DATA, withUnknownNumber), RECEIVED);
        TeslemetryEvents.DataEvent fromJson = events.data(VIN,
                (Payload) protojson.decode(RecordType.DATA, json.getBytes(StandardCharsets.UTF_8)), RECEIVED);

        String expected = "{\"data\":{\"Soc\":80.0},\"createdAt\":\"2026-11-26T18:00:07.412000000Z\",\"vin\":\"" + VIN + "\"}";
        assertThat(fromProtobuf.event().json()).isEqualTo(expected);
        assertThat(fromProtobuf.unknownFields()).isEqualTo(1);
        assertThat(fromJson.event().json()).isEqualTo(expected);
        assertThat(fromJson.unknownFields()).isEqualTo(1);
    }

    @Test
    void recordWithoutCreatedAtTakesWhenFleetTelemetryReceivedIt() throws Exception {
        Payload payload = Payload.newBuilder().addData(datum(Field.Odometer, Value.newBuilder().setDoubleValue(12345.6))).build();

        assertThat(events.data(VIN, payload, RECEIVED).event().json()).isEqualTo(
                "{\"data\":{\"Odometer\":12345.6},\"createdAt\":\"2026-11-26T18:00:09.000000000Z\",\"vin\":\"" + VIN + "\"}");
    }

    @Test
    void alertsRecordBecomesAnAlertsEvent() throws Exception {
        VehicleAlerts alerts = VehicleAlerts.newBuilder().setVin(VIN).setCreatedAt(CREATED)
                .addAlerts(VehicleAlert.newBuilder().setName("Custom_BrakeFluidLow").addAudiences(Audience.Customer)
                        .addAudiences(Audience.Service).setStartedAt(Timestamp.newBuilder().setSeconds(1795716000L)))
                .addAlerts(VehicleAlert.newBuilder().setName("UI_a010_MapsMissing").addAudiences(Audience.ServiceFix)
                        .setStartedAt(Timestamp.newBuilder().setSeconds(1795715000L))
                        .setEndedAt(Timestamp.newBuilder().setSeconds(1795715900L).setNanos(5)))
                .build();
        String json = """
                {"alerts":[{"name":"Custom_BrakeFluidLow","audiences":["Customer","Service"],"startedAt":"2026-11-26T18:00:00Z","endedAt":null},
                  {"name":"UI_a010_MapsMissing","audiences":["ServiceFix"],"startedAt":"2026-11-26T17:43:20Z","endedAt":"2026-11-26T17:58:20.000000005Z"}],
                 "createdAt":"2026-11-26T18:00:07.412Z","vin":"5YJ3E1EA6LF000001"}""";
        String expected = "{\"alerts\":["
                + "{\"name\":\"Custom_BrakeFluidLow\",\"audiences\":[\"Customer\",\"Service\"],\"startedAt\":\"2026-11-26T18:00:00.000000000Z\"},"
                + "{\"name\":\"UI_a010_MapsMissing\",\"audiences\":[\"ServiceFix\"],\"startedAt\":\"2026-11-26T17:43:20.000000000Z\","
                + "\"endedAt\":\"2026-11-26T17:58:20.000000005Z\"}"
                + "],\"createdAt\":\"2026-11-26T18:00:07.412000000Z\",\"vin\":\"" + VIN + "\"}";

        VehicleAlerts fromProtobuf = (VehicleAlerts) protobuf.decode(RecordType.ALERTS, alerts.toByteArray());
        VehicleAlerts fromJson = (VehicleAlerts) protojson.decode(RecordType.ALERTS, json.getBytes(StandardCharsets.UTF_8));

        assertThat(events.alerts(VIN, fromProtobuf, RECEIVED).json()).isEqualTo(expected);
        assertThat(events.alerts(VIN, fromJson, RECEIVED).json()).isEqualTo(expected);
    }

    @Test
    void errorsRecordBecomesAnErrorsEvent() throws Exception {
        VehicleErrors errors = VehicleErrors.newBuilder().setVin(VIN).setCreatedAt(CREATED)
                .addErrors(VehicleError.newBuilder().setName("missing_field").setBody("field is not supported")
                        .putTags("name", "missing_field").putTags("field_name", "ChargeRateMilePerHour")
                        .setCreatedAt(Timestamp.newBuilder().setSeconds(1795716006L)))
                .build();
        String json = """
                {"errors":[{"createdAt":"2026-11-26T18:00:06Z","name":"missing_field",
                  "tags":{"name":"missing_field","field_name":"ChargeRateMilePerHour"},"body":"field is not supported"}],
                 "createdAt":"2026-11-26T18:00:07.412Z","vin":"5YJ3E1EA6LF000001"}""";
        String expected = "{\"errors\":[{\"createdAt\":\"2026-11-26T18:00:06.000000000Z\",\"name\":\"missing_field\","
                + "\"tags\":{\"field_name\":\"ChargeRateMilePerHour\",\"name\":\"missing_field\"},\"body\":\"field is not supported\"}],"
                + "\"createdAt\":\"2026-11-26T18:00:07.412000000Z\",\"vin\":\"" + VIN + "\"}";

        assertThat(events.errors(VIN, (VehicleErrors) protobuf.decode(RecordType.ERRORS, errors.toByteArray()), RECEIVED).json())
                .isEqualTo(expected);
        assertThat(events.errors(VIN, (VehicleErrors) protojson.decode(RecordType.ERRORS, json.getBytes(StandardCharsets.UTF_8)),
                RECEIVED).json()).isEqualTo(expected);
    }

    @Test
    void connectivityRecordBecomesAConnectivityEvent() throws Exception {
        VehicleConnectivity connectivity = VehicleConnectivity.newBuilder().setVin(VIN).setConnectionId("3f9a0c1e")
                .setStatus(ConnectivityEvent.DISCONNECTED).setNetworkInterface("cellular").setCreatedAt(CREATED).build();
        String json = """
                {"vin":"5YJ3E1EA6LF000001","connectionId":"3f9a0c1e","status":"DISCONNECTED",
                 "createdAt":"2026-11-26T18:00:07.412Z","networkInterface":"cellular"}""";
        String expected = "{\"networkInterface\":\"cellular\",\"status\":\"DISCONNECTED\","
                + "\"createdAt\":\"2026-11-26T18:00:07.412000000Z\",\"vin\":\"" + VIN + "\"}";

        assertThat(events.connectivity(VIN, (VehicleConnectivity) protobuf.decode(RecordType.CONNECTIVITY,
                connectivity.toByteArray()), RECEIVED).json()).isEqualTo(expected);
        assertThat(events.connectivity(VIN, (VehicleConnectivity) protojson.decode(RecordType.CONNECTIVITY,
                json.getBytes(StandardCharsets.UTF_8)), RECEIVED).json()).isEqualTo(expected);
    }

    @Test
    void stateEventSaysWhatTheFleetApiAnswered() {
        assertThat(events.state(VIN, "asleep", Instant.parse("2026-11-26T18:00:07.412Z")).json())
                .isEqualTo("{\"state\":\"asleep\",\"createdAt\":\"2026-11-26T18:00:07.412000000Z\",\"vin\":\"" + VIN + "\"}");
    }

    @Test
    void garbageIsUndecodableInEitherFormat() {
        byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x00, 0x13};
        assertThatThrownBy(() -> protobuf.decode(RecordType.DATA, garbage)).isInstanceOf(RecordDecoder.UndecodableRecord.class);
        assertThatThrownBy(() -> protojson.decode(RecordType.DATA, "{\"data\":7}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(RecordDecoder.UndecodableRecord.class);
        assertThatThrownBy(() -> protojson.decode(RecordType.CONNECTIVITY, "not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(RecordDecoder.UndecodableRecord.class);
        assertThatThrownBy(() -> protobuf.decode(RecordType.ALERTS, new byte[0])).isInstanceOf(RecordDecoder.UndecodableRecord.class);
    }

    static Datum datum(Field field, Value.Builder value) {
        return Datum.newBuilder().setKey(field).setValue(value).build();
    }
}
