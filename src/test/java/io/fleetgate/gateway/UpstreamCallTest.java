package io.fleetgate.gateway;

import static io.fleetgate.gateway.TokenCheckTest.assertError;
import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.region.Region;
import io.fleetgate.resilience.RegionBreakers;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.SimControl;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The call to the Fleet API (fleet-api:&lt;region&gt;): a read makes it from the HTTP server's event
 * loop, and a call that waits too long for one of the region's pooled connections (one per event
 * loop here) is this replica's load (504), not the host failing (the breaker does not count it).
 */
class UpstreamCallTest {
    private static GatewayHarness harness;

    @BeforeAll
    static void start() {
        harness = GatewayHarness.builder().accounts(ALICE)
                .setting("fleetgate.upstream.connections-per-region", "1")
                .setting("fleetgate.upstream.pool-wait-ms", "300")
                .setting("fleetgate.upstream.connect-timeout-ms", "200")
                .setting("fleetgate.upstream.response-timeout-ms", "3000")
                .start();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void aReadCallsTheFleetApiFromTheEventLoopItArrivedOn() throws Exception {
        List<String> callingThreads = new CopyOnWriteArrayList<>();
        EventNotifierSupport notifier = new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.ExchangeSendingEvent sending
                        && sending.getEndpoint().getEndpointUri().startsWith("fleet-api:")) {
                    callingThreads.add(Thread.currentThread().getName());
                }
            }
        };
        harness.gateway().context().getManagementStrategy().addEventNotifier(notifier);
        notifier.start();
        try {
            HttpResponse<byte[]> answer = harness.get("/api/1/vehicles/" + NA_VIN, ALICE.gatewayToken());
            assertThat(answer.statusCode()).isEqualTo(200);
        } finally {
            harness.gateway().context().getManagementStrategy().removeEventNotifier(notifier);
        }
        assertThat(callingThreads).singleElement().asString().startsWith("vert.x-eventloop-thread-");
    }

    @Test
    void aReadThatFindsNoConnectionFreeInTimeIs504AndTheHostIsNotBlamed() throws Exception {
        CircuitBreaker na = harness.gateway().context().getRegistry()
                .lookupByNameAndType("regionBreakers", RegionBreakers.class).breaker(Region.NA);
        long failedBefore = na.getMetrics().getNumberOfFailedCalls();
        int reads = 12; // more than the server's event loops, each with a pool of one connection
        new SimControl(harness.simulator()).script("""
                {"vin":"%s","path":"/vehicle_data","responses":[%s]}
                """.formatted(NA_VIN, String.join(",", Collections.nCopies(reads, "{\"status\":200,\"latency_ms\":1500}"))));
        harness.simulator().clearRequests();

        List<CompletableFuture<Long>> millis = new ArrayList<>();
        List<CompletableFuture<HttpResponse<byte[]>>> answers = new ArrayList<>();
        for (int i = 0; i < reads; i++) {
            long started = System.nanoTime();
            CompletableFuture<HttpResponse<byte[]>> answer = harness.httpClient().sendAsync(HttpRequest.newBuilder(
                            URI.create(harness.url("/api/1/vehicles/" + NA_VIN + "/vehicle_data")))
                    .header("Authorization", "Bearer " + ALICE.gatewayToken()).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            answers.add(answer);
            millis.add(answer.thenApply(done -> (System.nanoTime() - started) / 1_000_000));
        }
        List<HttpResponse<byte[]>> waited = new ArrayList<>();
        int sent = 0;
        for (int i = 0; i < reads; i++) {
            HttpResponse<byte[]> answer = answers.get(i).get();
            if (answer.statusCode() == 200) {
                sent++;
            } else {
                waited.add(answer);
                assertThat(millis.get(i).get()).as("refused after the pool wait and connect time (500 ms), not after the slow read")
                        .isLessThan(1_400);
            }
        }

        assertThat(waited).as("reads beyond the connections waited for one in vain").isNotEmpty();
        waited.forEach(answer -> assertError(answer, 504, "upstream_timeout"));
        assertThat(harness.simulator().requests(NA_VIN)).as("the refused reads were never sent").hasSize(sent);
        assertThat(na.getMetrics().getNumberOfFailedCalls()).isEqualTo(failedBefore);
        assertThat(na.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        // the scripted answers the refused reads did not take are used up
        for (int i = 0; i < reads - sent; i++) {
            assertThat(harness.get("/api/1/vehicles/" + NA_VIN + "/vehicle_data", ALICE.gatewayToken()).statusCode()).isEqualTo(200);
        }
    }
}
