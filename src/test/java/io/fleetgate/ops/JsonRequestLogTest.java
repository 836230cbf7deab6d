package io.fleetgate.ops;

import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.audit.AuditEvent;
import io.fleetgate.audit.AuditEventJson;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.Tee;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** fleetgate.log.json=true: one JSON line per request on fleetgate.requests, the audit event's fields, no token. */
class JsonRequestLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyRequestLogsOneJsonLineWithTheAuditFieldsAndNoToken() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        PrintStream originalOut = System.out;
        // slf4j-simple writes to whatever System.err is at the time of each line
        System.setErr(new PrintStream(new Tee(captured, originalErr), true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(new Tee(captured, originalOut), true, StandardCharsets.UTF_8));
        List<JsonNode> lines;
        try (GatewayHarness harness = GatewayHarness.builder().accounts(ALICE).setting("fleetgate.log.json", "true").start()) {
            assertThat(harness.get("/api/1/vehicles/" + NA_VIN + "/vehicle_data?token=" + ALICE.gatewayToken(), null).statusCode()).isEqualTo(200);
            assertThat(harness.get("/api/1/vehicles", ALICE.gatewayToken()).statusCode()).isEqualTo(200);
            assertThat(harness.get("/api/1/vehicles?token=not-a-known-token", null).statusCode()).isEqualTo(401);
            Awaitility.await().until(() -> requestLines(captured).size() == 3);
            lines = requestLines(captured);
        } finally {
            System.setErr(originalErr);
            System.setOut(originalOut);
        }

        List<String> fields = new ArrayList<>();
        lines.getFirst().fieldNames().forEachRemaining(fields::add);
        List<String> auditFields = new ArrayList<>();
        JSON.readTree(AuditEventJson.write(AuditEvent.builder(java.util.UUID.randomUUID(), java.time.Instant.now(),
                        AuditEvent.Source.REST).build())).fieldNames().forEachRemaining(auditFields::add);
        assertThat(fields).as("the audit event's fields").containsExactlyInAnyOrderElementsOf(auditFields);

        JsonNode read = lines.getFirst();
        assertThat(read.path("account_id").asText()).isEqualTo(ALICE.id());
        assertThat(read.path("path_template").asText()).isEqualTo("/api/1/vehicles/{vin}/vehicle_data");
        assertThat(read.path("vin").asText()).isEqualTo(NA_VIN);
        assertThat(read.path("status").asInt()).isEqualTo(200);
        assertThat(read.path("credits").asInt()).isEqualTo(2);
        assertThat(read.path("region").asText()).isEqualTo("na");
        assertThat(lines.get(2).path("status").asInt()).isEqualTo(401);
        assertThat(lines.get(2).path("account_id").isNull()).isTrue();

        String log = captured.toString(StandardCharsets.UTF_8);
        for (String secret : List.of(ALICE.gatewayToken(), ALICE.teslaToken(), "not-a-known-token")) {
            assertThat(log).as("log lines").doesNotContain(secret);
        }
    }

    private static List<JsonNode> requestLines(ByteArrayOutputStream captured) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            int at = line.indexOf(RequestLog.LOGGER + " - {");
            if (at >= 0) {
                lines.add(JSON.readTree(line.substring(line.indexOf('{', at))));
            }
        }
        return lines;
    }
}
