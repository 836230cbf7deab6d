package io.fleetgate.command;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * REST commands waiting on sleeping vehicles hold no platform thread each: 300 of them at once
 * (each vehicle waking in 1 s) raise the JVM's peak platform thread count by far less than 300;
 * and no thread at all, virtual or not, is held while they wait for their results.
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
        try (GatewayHarness harness = GatewayHarness.builder().fleet(CommandFleet.fleet(12)).accounts(ops)
                // polls every 2 s, for up to 20 s: the 12 s wake delay fits. A poll holds its virtual
                // thread while its HTTP call is out: on a loaded CI machine (four test JVMs on 2 cores)
                // 1,000 polls a second had 154 of them out for over a second, and 200 a second had 191,
                // so the window below is 3 s and the polls half as many
                .setting("fleetgate.wake.poll-interval-ms", "2000")
                .setting("fleetgate.wake.max-polls", "10").start();
                // virtual threads are counted from JFR's start and end events, not from a thread dump:
                // HotSpotDiagnosticMXBean.dumpThreads can abort the JVM while virtual threads park
                // (JDK-8364343, still in JDK 25)
                Recording virtualThreads = new Recording()) {
            virtualThreads.enable("jdk.VirtualThreadStart");
            virtualThreads.enable("jdk.VirtualThreadEnd");
            virtualThreads.start();
            Bulkheads bulkheads = harness.gateway().context().getRegistry().lookupByNameAndType("bulkheads", Bulkheads.class);
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int n = 0; n < waiting; n++) {
                HttpRequest request = HttpRequest.newBuilder(URI.create(harness.url("/api/1/vehicles/" + CommandFleet.vin(n) + "/command/honk_horn")))
                        .header("Authorization", "Bearer " + ops.gatewayToken())
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build();
                answers.add(harness.httpClient().sendAsync(request, HttpResponse.BodyHandlers.ofString()));
            }
            // every command sent and waiting for its vehicle to wake (12 s; a loaded machine with other
            // test JVMs may take seconds to send 200)
            Awaitility.await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(20))
                    .until(() -> bulkheads.active("rest-commands-waiting") == waiting);
            // a virtual thread of the test's own: its start and end, as JFR records them, are the window
            // (and prove the recording sees virtual threads); it is left out of the count
            CountDownLatch probeDone = new CountDownLatch(1);
            Thread probe = Thread.ofVirtual().start(() -> {
                try {
                    probeDone.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            // a loaded machine may still be handing the last sends to Kafka: the fewest threads seen
            // in the next 3 s counts (the vehicles wake after 12 s, so a command path that held a
            // thread per waiting command would show them all the whole window)
            long platformFrames = Long.MAX_VALUE;
            long lookUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            do {
                platformFrames = Math.min(platformFrames, platformThreadsInCommandPath());
                Thread.sleep(20);
            } while (System.nanoTime() < lookUntil);
            probeDone.countDown();
            probe.join();

            for (CompletableFuture<HttpResponse<String>> answer : answers) {
                assertThat(answer.get().statusCode()).isEqualTo(200);
            }
            virtualThreads.stop();
            Path events = Files.createTempFile("fleetgate-threads", ".jfr");
            virtualThreads.dump(events);
            List<RecordedEvent> recorded = RecordingFile.readAllEvents(events);
            Files.deleteIfExists(events);
            // the window is the probe's life as JFR recorded it: JFR's clock, not the test's
            Instant probeStarted = eventTime(recorded, "jdk.VirtualThreadStart", probe.threadId());
            Instant probeEnded = eventTime(recorded, "jdk.VirtualThreadEnd", probe.threadId());
            assertThat(probeStarted).as("the recording saw the probe thread start").isNotNull();
            assertThat(probeEnded).as("the recording saw the probe thread end").isNotNull();
            long virtualHeld = virtualThreadsAliveThroughout(recorded, probeStarted, probeEnded, probe.threadId());
            System.out.printf("%d commands waiting: %d virtual threads alive the whole window besides the probe, %d platform threads in the command package%n",
                    waiting, virtualHeld, platformFrames);

            assertThat(virtualHeld).as("virtual threads alive from before to after the window while %d commands waited", waiting)
                    .isLessThan(waiting / 10);
            assertThat(platformFrames).as("platform threads in the command package while %d commands waited", waiting)
                    .isLessThan(waiting / 10);
        }
    }

    private static long platformThreadsInCommandPath() {
        return Thread.getAllStackTraces().values().stream()
                .filter(stack -> Arrays.stream(stack).anyMatch(frame -> frame.getClassName().startsWith("io.fleetgate.command.")))
                .count();
    }

    private static Instant eventTime(List<RecordedEvent> events, String type, long threadId) {
        return events.stream()
                .filter(event -> event.getEventType().getName().equals(type) && event.getLong("javaThreadId") == threadId)
                .map(RecordedEvent::getStartTime).findFirst().orElse(null);
    }

    /**
     * The virtual threads alive from {@code from} to {@code to}, the probe ({@code excluded}) not
     * counted: a thread held by a waiting command lives through the whole window, while the wake-up
     * polls (200 vehicles, every 2 s) each run briefly on a thread of their own, and on a loaded
     * machine over a hundred of those overlap at any moment (CI saw 119).
     */
    private static long virtualThreadsAliveThroughout(List<RecordedEvent> events, Instant from, Instant to, long excluded) {
        Map<Long, Instant> started = new HashMap<>();
        Map<Long, Instant> ended = new HashMap<>();
        for (RecordedEvent event : events) {
            long id = event.getLong("javaThreadId");
            if (id == excluded) {
                continue;
            }
            switch (event.getEventType().getName()) {
                case "jdk.VirtualThreadStart" -> started.put(id, event.getStartTime());
                case "jdk.VirtualThreadEnd" -> ended.put(id, event.getStartTime());
                default -> { }
            }
        }
        return started.entrySet().stream()
                .filter(thread -> !thread.getValue().isAfter(from))
                .filter(thread -> !ended.containsKey(thread.getKey()) || !ended.get(thread.getKey()).isBefore(to))
                .count();
    }
}
