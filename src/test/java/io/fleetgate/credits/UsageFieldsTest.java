package io.fleetgate.credits;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.audit.AuditEvent;
import io.fleetgate.audit.AuditEventJson;
import io.fleetgate.command.AttemptLog;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The roll-ups' streamed read of an audit record counts exactly what binding the whole event would. */
class UsageFieldsTest {

    @Test
    void readsWhatTheBoundEventSaysForEveryKindOfEvent() throws Exception {
        List<AuditEvent> events = new java.util.ArrayList<>(RandomUsage.events(7, 400));
        // the fields the streamed read skips, nested ones included, and a stream's metering event
        events.add(AuditEvent.builder(UUID.randomUUID(), Instant.parse("2026-12-04T10:15:30.123Z"), AuditEvent.Source.KAFKA)
                .accountId("acme").tokenName(null).clientLibrary("fleet client \"2\" {x}").clientIp("10.0.0.1")
                .method("POST").pathTemplate("/api/1/vehicles/{vin}/command/{command}").command("honk_horn")
                .vin("5YJ3E1EA7KR000001").energySiteId(12L).commandId("c-1").status(200).attempts(2).wokeVehicle(true)
                .credits(21).latencyMs(812).region("na")
                .attemptLog(List.of(new AttemptLog.Entry(1, Instant.parse("2026-12-04T10:15:30Z"), 408, "offline", 2000L),
                        new AttemptLog.Entry(2, Instant.parse("2026-12-04T10:15:32Z"), 200, null, null)))
                .build());
        events.add(AuditEvent.builder(UUID.randomUUID(), Instant.parse("2026-12-04T00:00:00Z"), AuditEvent.Source.REST)
                .accountId("acme").method("GET").pathTemplate("/sse/{vin}").endpointClassName("stream").streamedSignals(4500L)
                .status(200).credits(30).build());

        for (AuditEvent event : events) {
            byte[] json = AuditEventJson.bytes(event);
            assertThat(UsageFields.read(json)).as(AuditEventJson.write(event))
                    .contains(UsageFields.of(AuditRecords.read(json).orElseThrow()));
        }
    }

    @Test
    void aRecordThatIsNoAuditEventIsSkipped() {
        for (String notAnEvent : List.of("", "not json", "[1,2]", "\"text\"", "{\"time\":\"2026-12-04T00:00:00Z\"}",
                "{\"event_id\":\"" + UUID.randomUUID() + "\",\"source\":\"rest\",\"time\":\"yesterday\"}",
                "{\"event_id\":\"" + UUID.randomUUID() + "\",\"source\":\"rest\",\"time\":\"2026-12-04T00:00:00Z\",\"credits\":-1}",
                "{\"event_id\":\"" + UUID.randomUUID() + "\",\"source\":\"rest\",\"time\":\"2026-12-04T00:00:00Z\"")) {
            byte[] bytes = notAnEvent.getBytes(StandardCharsets.UTF_8);
            assertThat(UsageFields.read(bytes)).as(notAnEvent).isEmpty();
            assertThat(AuditRecords.read(bytes)).as("the bound read agrees: " + notAnEvent).isEmpty();
        }
        assertThat(UsageFields.read(null)).isEmpty();
    }

    @Test
    void readsTimesAsInstantParseDoes() {
        java.util.Random random = new java.util.Random(11);
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(-62_000_000_000L, 253_000_000_000L),
                    switch (i % 4) {
                        case 0 -> 0;
                        case 1 -> random.nextInt(1000) * 1_000_000;
                        case 2 -> random.nextInt(1_000_000) * 1000;
                        default -> random.nextInt(1_000_000_000);
                    });
            String text = instant.toString();
            assertThat(UsageFields.instant(text)).as(text).isEqualTo(Instant.parse(text));
        }
        // what the JSON never holds still reads as Instant.parse reads it, or fails as it does
        for (String odd : List.of("2026-12-04T17:25:19.5Z", "2026-12-04T23:59:60Z", "2026-12-04T17:25:19+01:00",
                "+12026-12-04T17:25:19Z", "2024-02-29T00:00:00Z", "2026-12-04T24:00:00Z", "2026-12-04T17:25:19.Z")) {
            assertThat(UsageFields.instant(odd)).as(odd).isEqualTo(Instant.parse(odd));
        }
        for (String wrong : List.of("2026-02-30T00:00:00Z", "2026-1a-04T17:25:19Z", "2026-12-04T17:25:19.1234567890Z")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Instant.parse(wrong)).as(wrong)
                    .isInstanceOf(java.time.DateTimeException.class);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> UsageFields.instant(wrong)).as(wrong)
                    .isInstanceOf(java.time.DateTimeException.class);
        }
    }
}
