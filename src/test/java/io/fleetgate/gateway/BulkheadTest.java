package io.fleetgate.gateway;

import static io.fleetgate.gateway.TokenCheckTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.testing.CommandFleet;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.GatewayPerClass;
import io.fleetgate.testing.ScrapedMetrics;
import io.fleetgate.testing.SimControl;
import io.fleetgate.testing.TestAccount;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * CONTRACT section 9: bulkheads bound what one replica holds in memory. Here 3 REST commands
 * waiting, 3 reads and 1 energy-site command in flight (settings); beyond them the answer is
 * an immediate 503 service_unavailable with Retry-After, and nothing is forwarded or queued.
 */
class BulkheadTest {
    private static final TestAccount OPS = CommandFleet.account();
    private static final CommandFleet.Vins VINS = new CommandFleet.Vins();
    private static final int LIMIT = 3;

    @RegisterExtension
    static final GatewayPerClass GATEWAY = new GatewayPerClass(() -> GatewayHarness.builder()
            .fleet(CommandFleet.fleet()).accounts(OPS)
            .setting("fleetgate.bulkhead.rest-commands-waiting", String.valueOf(LIMIT))
            .setting("fleetgate.bulkhead.reads-in-flight", String.valueOf(LIMIT))
            .setting("fleetgate.bulkhead.energy-commands-in-flight", "1")
            // a wake cycle of up to 5 s: room for vehicles that take 2 s to wake
            .setting("fleetgate.wake.poll-interval-ms", "500")
            .start());

    @AfterEach
    void dropUnusedScripts() {
        harness().simulator().reset();
    }

    @Test
    void restCommandsBeyondTheLimitAreRefusedAtOnceAndTheAcceptedOnesSucceed() throws Exception {
        // sleeping vehicles that take 2 s to wake: each command waits for a wake cycle
        List<String> vins = new ArrayList<>();
        for (int i = 0; i < LIMIT + 5; i++) {
            String vin = VINS.next();
            harness().simulator().fleet().setWakeDelay(vin, 2);
            vins.add(vin);
        }
        // all at once
        List<CompletableFuture<Timed>> answers = new ArrayList<>();
        for (String vin : vins) {
            answers.add(async(() -> send("POST", "/api/1/vehicles/" + vin + "/command/flash_lights")));
        }
        List<Timed> accepted = new ArrayList<>();
        List<Timed> refused = new ArrayList<>();
        for (CompletableFuture<Timed> answer : answers) {
            (answer.get().response().statusCode() == 503 ? refused : accepted).add(answer.get());
        }
        assertThat(accepted).hasSize(LIMIT).allSatisfy(a -> assertThat(a.response().statusCode()).isEqualTo(200));
        // at once: each refusal came before any accepted command was answered (they wait for a 2 s
        // wake-up), so none waited for a place; timed from the caller's send, and eight connections opened
        // at once on a busy host have taken a refusal just over a second
        long firstAccepted = accepted.stream().mapToLong(Timed::millis).min().orElseThrow();
        assertThat(firstAccepted).isGreaterThanOrEqualTo(2000);
        assertThat(refused).hasSize(5).allSatisfy(answer -> refusedWithin(answer, firstAccepted));
        // refused commands were not queued: their vehicles were never asked anything
        for (Timed answer : refused) {
            String vin = answer.path().split("/")[4];
            assertThat(harness().simulator().requests(vin)).isEmpty();
        }
        assertThat(refusals("rest-commands-waiting")).isEqualTo(5);
        assertThat(active("rest-commands-waiting")).isZero();
    }

    @Test
    void readsBeyondTheLimitAreRefusedAtOnceWhileASlowUpstreamAnswersTheOthers() throws Exception {
        List<String> vins = new ArrayList<>();
        for (int i = 0; i < LIMIT + 3; i++) {
            String vin = VINS.next();
            harness().simulator().fleet().bringOnline(vin);
            new SimControl(harness().simulator()).script("""
                    {"vin":"%s","path":"/vehicle_data","responses":[{"status":200,"latency_ms":2000}]}
                    """.formatted(vin));
            vins.add(vin);
        }
        double before = refusals("reads-in-flight");
        List<CompletableFuture<Timed>> slow = new ArrayList<>();
        for (String vin : vins.subList(0, LIMIT)) {
            slow.add(async(() -> send("GET", "/api/1/vehicles/" + vin + "/vehicle_data")));
        }
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> active("reads-in-flight") == LIMIT);
        for (String vin : vins.subList(LIMIT, vins.size())) {
            Timed answer = send("GET", "/api/1/vehicles/" + vin + "/vehicle_data");
            refusedAtOnce(answer);
            assertThat(harness().simulator().requests(vin)).isEmpty();
        }
        for (CompletableFuture<Timed> answer : slow) {
            assertThat(answer.get().response().statusCode()).isEqualTo(200);
        }
        assertThat(refusals("reads-in-flight") - before).isEqualTo(3);
        // with the slow reads done, reads are let through again
        assertThat(send("GET", "/api/1/vehicles/" + vins.getLast() + "/vehicle_data").response().statusCode()).isEqualTo(200);
    }

    @Test
    void energySiteCommandsHaveABulkheadOfTheirOwn() throws Exception {
        new SimControl(harness().simulator()).script("""
                {"site":%d,"path":"/backup","responses":[{"status":200,"latency_ms":2000}]}
                """.formatted(CommandFleet.SITE));
        CompletableFuture<Timed> slow = async(() ->
                send("POST", "/api/1/energy_sites/" + CommandFleet.SITE + "/backup", "{\"backup_reserve_percent\":20}"));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> active("energy-commands-in-flight") == 1);
        refusedAtOnce(send("POST", "/api/1/energy_sites/" + CommandFleet.SITE + "/backup", "{\"backup_reserve_percent\":30}"));
        // reads are not held up by it
        String vin = VINS.next();
        harness().simulator().fleet().bringOnline(vin);
        assertThat(send("GET", "/api/1/vehicles/" + vin + "/vehicle_data").response().statusCode()).isEqualTo(200);
        assertThat(slow.get().response().statusCode()).isEqualTo(200);
        assertThat(harness().simulator().requests().stream().filter(r -> r.path().endsWith("/backup"))).hasSize(1);
    }

    private static void refusedAtOnce(Timed answer) {
        refusedWithin(answer, 1000);
    }

    private static void refusedWithin(Timed answer, long millis) {
        assertError(answer.response(), 503, "service_unavailable");
        assertThat(answer.response().headers().firstValue("Retry-After")).contains("1");
        assertThat(answer.millis()).as("answered at once").isLessThan(millis);
    }

    /** On a thread of its own: the common pool may have a single thread on a 2-core machine. */
    private static CompletableFuture<Timed> async(java.util.function.Supplier<Timed> call) {
        return CompletableFuture.supplyAsync(call, Thread::startVirtualThread);
    }

    private record Timed(String path, HttpResponse<byte[]> response, long millis) {}

    private static Timed send(String method, String path) {
        return send(method, path, method.equals("POST") ? "{}" : null);
    }

    private static Timed send(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(harness().url(path)))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + OPS.gatewayToken())
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        long started = System.nanoTime();
        try {
            HttpResponse<byte[]> response = harness().httpClient().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Timed(path, response, (System.nanoTime() - started) / 1_000_000);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static double refusals(String bulkhead) {
        return ScrapedMetrics.value(harness(), "fleetgate_bulkhead_refusals_total{bulkhead=\"" + bulkhead + "\"}");
    }

    private static double active(String bulkhead) {
        return ScrapedMetrics.value(harness(), "fleetgate_bulkhead_active{bulkhead=\"" + bulkhead + "\"}");
    }

    private static GatewayHarness harness() {
        return GATEWAY.harness();
    }
}
