package io.fleetgate.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetgate.testing.CommandFleet;
import io.fleetgate.testing.FleetgateProcess;
import io.fleetgate.testing.SimControl;
import io.fleetgate.testing.TopicRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A Fleetgate process killed with {@code kill -9} mid-wake, mid-retry-backoff, mid-signed-handshake
 * and mid-send, then another started: every accepted command (from REST or from another producer)
 * runs exactly once, with exactly one result, in its vehicle's order (CONTRACT 9).
 */
class CommandCrashTest extends KilledCommandReplicas {

    @Test
    void killedMidWakeMidRetryBackoffMidSignedHandshakeAndMidSendEveryQueuedCommandRunsOnce() throws Exception {
        String sleeping = CommandFleet.vin(1);
        String flaky = CommandFleet.vin(2);
        String signing = CommandFleet.vin(3);
        String slow = CommandFleet.vin(4);
        simulator.fleet().bringOnline(slow);
        simulator.fleet().setWakeDelay(sleeping, 4);
        simulator.fleet().bringOnline(flaky);
        simulator.fleet().bringOnline(signing);
        simulator.fleet().setRequiresSigning(signing, true);
        SimControl control = new SimControl(simulator);
        // the first attempt fails (a retry follows after 4 s); the handshake takes 6 s to answer
        control.script("{\"vin\":\"%s\",\"path\":\"/command/set_charge_limit\",\"responses\":[{\"status\":503}]}".formatted(flaky));
        control.script("{\"vin\":\"%s\",\"path\":\"/signed_command\",\"responses\":[{\"status\":200,\"latency_ms\":6000}]}"
                .formatted(signing));
        // the vehicle is still working on the first command (its answer takes 8 s) when the replica dies
        control.script("{\"vin\":\"%s\",\"path\":\"/command/set_charge_limit\",\"responses\":[{\"status\":200,\"latency_ms\":8000}]}"
                .formatted(slow));
        FleetgateProcess first = start();

        List<String> ids = new ArrayList<>();
        for (int percent = 51; percent <= 54; percent++) {
            ids.add(sendRecord(sleeping, percent));
        }
        for (int percent = 61; percent <= 62; percent++) {
            ids.add(sendRecord(flaky, percent));
        }
        for (int percent = 71; percent <= 72; percent++) {
            ids.add(sendRecord(signing, percent));
        }
        String withTesla = sendRecord(slow, 81);
        ids.add(withTesla);
        ids.add(sendRecord(slow, 82));
        // two more from REST callers, whose answers are lost with the process
        for (int percent = 55; percent <= 56; percent++) {
            sendRest(first, sleeping, percent);
        }
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> commandRecords(sleeping).size() == 6);
        // every scripted answer taken: the flaky vehicle's 503 given, the signing vehicle's handshake
        // (held 6 s) and the slow vehicle's command (held 8 s) arrived and wait for their answers
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                simulator.requests(sleeping).stream().anyMatch(r -> r.path().endsWith("/wake_up"))
                        && simulator.requests(flaky).stream().anyMatch(r -> r.path().endsWith("/set_charge_limit") && r.status() == 503)
                        && simulator.scriptsPending() == 0);
        first.kill();

        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> simulator.requests(signing).stream()
                .anyMatch(r -> r.path().endsWith("/signed_command") && r.status() == 499));
        assertThat(executed(sleeping)).as("none of the sleeping vehicle's commands ran before the kill").isEmpty();
        assertThat(executed(flaky)).as("the flaky vehicle's first command was between attempts").isEmpty();
        assertThat(executed(signing)).as("the signed commands were behind a handshake").isEmpty();
        // the vehicle took the first command; its answer came after the replica was gone
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> simulator.requests(slow).stream()
                .anyMatch(r -> r.path().endsWith("/set_charge_limit")));

        start();
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> resultIds().keySet().containsAll(ids) && resultsFor(sleeping) == 6);
        for (String vin : List.of(sleeping, flaky, signing)) {
            assertThat(executed(vin)).as("each command of %s ran exactly once, in order", vin)
                    .containsExactlyElementsOf(orderOnTopic(vin));
        }
        // the command that was with Tesla may have run: it is answered as such, never sent twice
        assertThat(simulator.requests(slow).stream().filter(r -> r.path().endsWith("/set_charge_limit")).map(r -> json(r.body())
                .path("percent").asInt()).toList()).as("what reached the vehicle").containsExactly(81, 82);
        JsonNode unknown = resultOf(withTesla);
        assertThat(unknown.path("status").asInt()).isEqualTo(504);
        assertThat(unknown.path("response").path("error").asText()).isEqualTo("upstream_timeout");
        assertThat(unknown.path("response").path("error_description").asText()).contains("may have run");
        // the attempt made before the kill counts, is billed and logged with the retry after it
        String retried = ids.get(4);
        assertThat(resultOf(retried).path("attempts").asInt()).as("attempts of the command killed between them").isEqualTo(2);
        JsonNode retriedEvent = json(topics.await("fleetgate.audit.v1", r -> r.value().contains("\"command_id\":\"" + retried + "\""), 1,
                Duration.ofSeconds(20)).getFirst().value());
        assertThat(retriedEvent.path("attempt_log").findValuesAsText("status")).containsExactly("503", "200");
        TopicRecords.settle();
        assertThat(resultIds()).as("one result per command").allSatisfy((id, n) -> assertThat(n).isEqualTo(1L));
    }

}
