package io.fleetgate.telemetry;

import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static io.fleetgate.testing.TestFleet.NA_VIN_ASLEEP;
import static io.fleetgate.testing.TestFleet.NA_VIN_NOT_SUBSCRIBED;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.GatewayPerClass;
import io.fleetgate.testing.TopicRecords;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code state} events from reads, over real HTTP in front of the simulator: a read answered 408,
 * a vehicle or vehicle-list answer carrying the state, a server-side poll's state check. An event
 * comes only when the state changed from what Fleetgate last knew, however often the vehicle is read.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StateEventsFromReadsTest {
    private static final String EVENTS = "fleetgate.vehicle-events.v1";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final GatewayPerClass GATEWAY = new GatewayPerClass(() -> GatewayHarness.builder().accounts(ALICE)
            .setting("fleetgate.polling.interval-ms", "500")
            .start());

    private static GatewayHarness harness() {
        return GATEWAY.harness();
    }

    private static HttpResponse<byte[]> read(String path) {
        return harness().get(path, ALICE.gatewayToken());
    }

    /** The vehicle's state events so far, once no more arrive: their states, in the topic's order. */
    private static List<String> statesOf(String vin, int atLeast) {
        return new TopicRecords(harness().kafkaBootstrapServers())
                .awaitSettled(EVENTS, r -> vin.equals(r.key()) && r.value().startsWith("{\"state\""), atLeast, WAIT).stream()
                .peek(r -> assertThat(new String(r.headers().lastHeader("fleetgate-event").value(), StandardCharsets.UTF_8))
                        .isEqualTo("state"))
                .map(ConsumerRecord::value).map(v -> v.replaceAll(".*\"state\":\"(\\w+)\".*", "$1")).toList();
    }

    @Test
    @Order(1)
    void aReadAnswered408MakesTheVehicleAsleepOnceHoweverOftenItIsRead() {
        for (int i = 0; i < 4; i++) {
            HttpResponse<byte[]> answer = read("/api/1/vehicles/" + NA_VIN_ASLEEP + "/vehicle_data");
            // the caller's answer is Tesla's, untouched
            assertThat(answer.statusCode()).isEqualTo(408);
            assertThat(new String(answer.body(), StandardCharsets.UTF_8)).contains("vehicle unavailable");
        }
        assertThat(statesOf(NA_VIN_ASLEEP, 1)).containsExactly("asleep");
    }

    @Test
    @Order(2)
    void vehicleAndListAnswersTellTheStateOnlyWhenItChanged() {
        // the list: the subscribed vehicles' states (the asleep one is known asleep already); not the others'
        assertThat(read("/api/1/vehicles").statusCode()).isEqualTo(200);
        for (int i = 0; i < 3; i++) {
            assertThat(read("/api/1/vehicles/" + NA_VIN + "/vehicle_data").statusCode()).isEqualTo(200);
            assertThat(read("/api/1/vehicles/" + NA_VIN).statusCode()).isEqualTo(200);
        }
        assertThat(statesOf(NA_VIN, 1)).containsExactly("online");
        assertThat(statesOf(NA_VIN_ASLEEP, 1)).containsExactly("asleep");
        assertThat(new TopicRecords(harness().kafkaBootstrapServers()).all(EVENTS))
                .noneMatch(r -> NA_VIN_NOT_SUBSCRIBED.equals(r.key()));

        // offline, as the vehicle's own answer says; a 408 then does not turn it asleep
        harness().simulator().fleet().takeOffline(NA_VIN);
        assertThat(read("/api/1/vehicles/" + NA_VIN).statusCode()).isEqualTo(200);
        assertThat(read("/api/1/vehicles/" + NA_VIN + "/vehicle_data").statusCode()).isEqualTo(408);
        // back online: vehicle_data's own state says so
        harness().simulator().fleet().bringOnline(NA_VIN);
        assertThat(read("/api/1/vehicles/" + NA_VIN + "/vehicle_data").statusCode()).isEqualTo(200);
        assertThat(read("/api/1/vehicles/" + NA_VIN + "/vehicle_data").statusCode()).isEqualTo(200);
        assertThat(statesOf(NA_VIN, 3)).containsExactly("online", "offline", "online");
    }

    @Test
    @Order(3)
    void aServerSidePollsStateCheckTellsTheState() {
        harness().simulator().fleet().bringOnline(NA_VIN_ASLEEP);
        try {
            assertThat(harness().post("/api/auto/" + NA_VIN_ASLEEP, ALICE.gatewayToken(), null).statusCode()).isEqualTo(200);
            Awaitility.await().atMost(WAIT).until(() -> statesOf(NA_VIN_ASLEEP, 2).size() == 2);
            harness().simulator().fleet().putToSleep(NA_VIN_ASLEEP);
            assertThat(statesOf(NA_VIN_ASLEEP, 3)).containsExactly("asleep", "online", "asleep");
        } finally {
            harness().send("DELETE", "/api/auto/" + NA_VIN_ASLEEP, GatewayHarness.bearer(ALICE.gatewayToken()), null);
        }
    }

    @Test
    @Order(4)
    void aBurstOfStatesIsWrittenInOrderEachOnceThoughKafkaIsAwaitedOncePerBurst() {
        VehicleStateEvents states = harness().gateway().context().getRegistry()
                .lookupByNameAndType("vehicleStateEvents", VehicleStateEvents.class);
        List<String> others = java.util.stream.IntStream.range(0, 300).mapToObj(n -> String.format("5YJ3E1EA7KS9%05d", n)).toList();
        // a queue deep enough that the route writes these together, its last values lagging behind
        others.forEach(vin -> states.accept(vin, "online"));
        for (String state : List.of("asleep", "online", "asleep", "asleep", "offline")) {
            states.accept(NA_VIN, state);
        }
        others.forEach(vin -> states.accept(vin, "online"));

        // NA_VIN was online (test 2); a state that repeats the one before it is no event
        assertThat(statesOf(NA_VIN, 7)).containsExactly("online", "offline", "online", "asleep", "online", "asleep", "offline");
        List<ConsumerRecord<String, String>> all = new TopicRecords(harness().kafkaBootstrapServers()).all(EVENTS);
        for (String vin : others) {
            assertThat(all.stream().filter(r -> vin.equals(r.key())).map(ConsumerRecord::value))
                    .singleElement().asString().contains("\"state\":\"online\"");
        }
    }
}
