package io.fleetgate.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetgate.sim.RecordedRequest;
import io.fleetgate.testing.CommandFleet;
import io.fleetgate.testing.FleetgateProcess;
import io.fleetgate.testing.SimControl;
import io.fleetgate.testing.TopicRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A Fleetgate process killed with {@code kill -9} while a command waits for its retry, and another
 * started long before the retry is due: the next owner makes the retry when it was due, not as soon
 * as it takes the command over (CONTRACT 5's backoff holds across a crash), and the command runs
 * exactly once.
 */
class CommandRetryCrashTest extends KilledCommandReplicas {
    /** Longer than a replica's start (9-13 s on 2 busy cores), so an early retry would show. */
    private static final Duration BACKOFF = Duration.ofSeconds(30);

    @Test
    void aRetryWaitedForWhenTheReplicaDiedIsMadeWhenDueByTheNextOwner() throws Exception {
        rig.setting("fleetgate.retries.initial-backoff-ms", String.valueOf(BACKOFF.toMillis()));
        String flaky = CommandFleet.vin(2);
        simulator.fleet().bringOnline(flaky);
        new SimControl(simulator).script("{\"vin\":\"%s\",\"path\":\"/command/set_charge_limit\",\"responses\":[{\"status\":503}]}"
                .formatted(flaky));
        FleetgateProcess first = start();

        String id = sendRecord(flaky, 63);
        // the 503 came back and the command's answered mark, with when its retry is due, is on the topic
        JsonNode answered = json(topics.await("fleetgate.command-attempts.v1", r -> r.value().contains("\"id\":\"" + id + "\"")
                && r.value().contains("\"state\":\"answered\""), 1, Duration.ofSeconds(30)).getFirst().value());
        Instant due = Instant.parse(answered.path("retry_at").asText());
        first.kill();
        Instant killed = Instant.now();
        assertThat(chargeLimitCalls(flaky)).extracting(RecordedRequest::status).containsExactly(503);
        assertThat(Duration.between(killed, due)).as("the retry is due well after the kill").isGreaterThan(BACKOFF.minusSeconds(10));

        start();
        Instant ready = Instant.now();
        assertThat(ready).as("the next owner is up before the retry is due, else this proves nothing").isBefore(due);
        Awaitility.await().atMost(BACKOFF.plusSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> resultIds().containsKey(id));

        List<RecordedRequest> calls = chargeLimitCalls(flaky);
        assertThat(calls).extracting(RecordedRequest::status).containsExactly(503, 200);
        assertThat(calls.get(1).at()).as("the retry after the crash waited until it was due").isAfterOrEqualTo(due);
        assertThat(executed(flaky)).containsExactly(63);
        JsonNode result = resultOf(id);
        assertThat(result.path("status").asInt()).isEqualTo(200);
        assertThat(result.path("attempts").asInt()).isEqualTo(2);
        TopicRecords.settle();
        assertThat(resultIds()).as("one result per command").allSatisfy((command, n) -> assertThat(n).isEqualTo(1L));
    }

    private List<RecordedRequest> chargeLimitCalls(String vin) {
        return simulator.requests(vin).stream().filter(r -> r.path().endsWith("/command/set_charge_limit")).toList();
    }
}
