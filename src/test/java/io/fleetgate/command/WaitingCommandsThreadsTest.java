package io.fleetgate.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.fleetgate.resilience.Bulkheads;
import io.fleetgate.testing.CommandFleet;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.TestAccount;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * REST commands waiting on sleeping vehicles hold no platform thread each: 300 of them at once
 * (each vehicle waking in 1 s) raise the JVM's peak platform thread count by far less than 300;
 * and no thread at all, virtual or not, while they wait for their results.
 * The benchmark (README) runs 2,000 × 5.
 */
class WaitingCommandsThreadsTest {
    private static final int COMMANDS = 300;

    @Test
    void manyCommandsWaitingOnWakeUpsNeedFewPlatformThreads() throws Exception {
        TestAccount ops = CommandFleet.account();
        try (GatewayHarness harness = GatewayHarness.builder().fleet(CommandFleet.fleet()).accounts(ops).start()) {
            // warm up the paths once, so lazily started pools are counted in the baseline
            harness.simulator().fleet().bringOnline(CommandFleet.vin(399));
            assertThat(harness.post("/api/1/vehicles/" + CommandFleet.vin(399) + "/command/flash_lights", ops.gatewayToken(), "{}")
                    .statusCode()).isEqualTo(200);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            int baseline = threads.getThreadCount();
            threads.resetPeakThreadCount();

            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int n = 0; n < COMMANDS; n++) {
                HttpRequest request = HttpRequest.newBuilder(URI.create(harness.url("/api/1/vehicles/" + CommandFleet.vin(n) + "/command/honk_horn")))
                        .header("Authorization", "Bearer " + ops.gatewayToken())
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build();
                answers.add(harness.httpClient().sendAsync(request, HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> answer : answers) {
                assertThat(answer.get().statusCode()).isEqualTo(200);
            }
            int peak = threads.getPeakThreadCount();
            System.out.printf("%d waiting REST commands: baseline %d platform threads, peak %d%n", COMMANDS, baseline, peak);
            assertThat(CommandFleet.wakeUps(harness.simulator().requests())).isEqualTo(COMMANDS);
            assertThat(peak - baseline).as("platform threads added while %d commands waited (baseline %d)", COMMANDS, baseline)
                    .isLessThan(COMMANDS / 3);
        }
    }

    @Test
    void aCommandWaitingForItsResultHoldsNoThreadAtAll() throws Exception {
        int waiting = 200;
        TestAccount ops = CommandFleet.account();
        try (GatewayHarness harness = GatewayHarness.builder().fleet(CommandFleet.fleet(4)).accounts(ops)
                // polls every 200 ms, for up to 8 s: the 4 s wake delay fits
                .setting("fleetgate.wake.max-polls", "40").start()) {
            Bulkheads bulkheads = harness.gateway().context().getRegistry().lookupByNameAndType("bulkheads", Bulkheads.class);
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int n = 0; n < waiting; n++) {
                HttpRequest request = HttpRequest.newBuilder(URI.create(harness.url("/api/1/vehicles/" + CommandFleet.vin(n) + "/command/honk_horn")))
                        .header("Authorization", "Bearer " + ops.gatewayToken())
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build();
                answers.add(harness.httpClient().sendAsync(request, HttpResponse.BodyHandlers.ofString()));
            }
            // every command sent and waiting for its vehicle to wake (4 s)
            Awaitility.await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20))
                    .until(() -> bulkheads.active("rest-commands-waiting") == waiting);
            // a loaded machine may still be handing the last sends to Kafka: look again for up to 2 s
            // (the vehicles wake after 4 s, so a command path that held a thread per waiting command
            // would still show them all)
            Path folder = Files.createTempDirectory("fleetgate-threads");
            long lookUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            long inCommandPath;
            long blockingWorkers;
            int look = 0;
            do {
                Path dump = folder.resolve("threads-" + look++ + ".json");
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                        .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
                String threads = Files.readString(dump);
                inCommandPath = Pattern.compile("\"io\\.fleetgate\\.command\\.").matcher(threads).results().count();
                blockingWorkers = Pattern.compile("\"name\":\\s*\"fleetgate-blocking-").matcher(threads).results().count();
            } while ((inCommandPath >= waiting / 2 || blockingWorkers >= waiting / 10) && System.nanoTime() < lookUntil);

            for (CompletableFuture<HttpResponse<String>> answer : answers) {
                assertThat(answer.get().statusCode()).isEqualTo(200);
            }
            assertThat(blockingWorkers).as("worker threads while %d commands waited", waiting).isLessThan(waiting / 10);
            assertThat(inCommandPath).as("stack frames of the command package while %d commands waited", waiting)
                    .isLessThan(waiting / 2);
        }
    }
}
