package io.fleetgate.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.command.AttemptLog;
import io.fleetgate.ingress.EndpointClass;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AuditEventJsonTest {
    private static final AuditEvent COMMAND = AuditEvent.builder(UUID.fromString("6f1c1c52-8d4e-4f52-9d8e-1f0e5d7c2a10"),
                    Instant.parse("2026-11-26T18:00:00.123Z"), AuditEvent.Source.KAFKA)
            .accountId("acme-fleet").clientIp("10.0.0.7").clientLibrary("dispatch 2.1").method("POST")
            .pathTemplate("/api/1/vehicles/{vin}/command/{command}").endpointClass(EndpointClass.VEHICLE_COMMAND)
            .vin("5YJ3E1EA7KF100001").command("door_lock").commandId("cmd-1").status(200).attempts(2)
            .wokeVehicle(true).credits(21).latencyMs(31_250).region("na")
            .attemptLog(List.of(
                    new AttemptLog.Entry(1, Instant.parse("2026-11-26T18:00:24.001Z"), 503, null, 1000L),
                    new AttemptLog.Entry(2, Instant.parse("2026-11-26T18:00:25.020Z"), 200, null, null)))
            .build();

    @Test
    void writesEveryFieldInSnakeCaseWithAnIsoTime() throws Exception {
        JsonNode json = new ObjectMapper().readTree(AuditEventJson.write(COMMAND));

        List<String> fields = new java.util.ArrayList<>();
        json.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactlyInAnyOrder("event_id", "time", "account_id", "token_name", "client_ip", "client_library",
                "method", "path_template", "endpoint_class", "vin", "energy_site_id", "command", "command_id", "status",
                "attempts", "woke_vehicle", "credits", "latency_ms", "region", "source", "attempt_log");
        assertThat(json.get("time").asText()).isEqualTo("2026-11-26T18:00:00.123Z");
        assertThat(json.get("event_id").asText()).isEqualTo("6f1c1c52-8d4e-4f52-9d8e-1f0e5d7c2a10");
        assertThat(json.get("endpoint_class").asText()).isEqualTo("vehicle_command");
        assertThat(json.get("source").asText()).isEqualTo("kafka");
        assertThat(json.get("woke_vehicle").asBoolean()).isTrue();
        assertThat(json.get("energy_site_id").isNull()).as("unknown fields are written as null").isTrue();
        assertThat(json.get("attempt_log").get(0).toString())
                .isEqualTo("{\"attempt\":1,\"at\":\"2026-11-26T18:00:24.001Z\",\"status\":503,\"outcome\":null,\"next_after_ms\":1000}");
        assertThat(json.get("attempt_log").get(1).get("next_after_ms").isNull()).as("none after the last").isTrue();
    }

    @Test
    void readsBackWhatItWrote() throws Exception {
        assertThat(AuditEventJson.read(AuditEventJson.write(COMMAND))).isEqualTo(COMMAND);
    }
}
