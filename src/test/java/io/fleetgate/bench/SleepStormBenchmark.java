package io.fleetgate.bench;

import io.fleetgate.sim.SimUser;
import io.fleetgate.sim.SimVehicle;
import io.fleetgate.sim.SimulatedFleet;
import io.fleetgate.sim.VehicleState;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.TestAccount;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Sleep storm: N sleeping vehicles × M REST commands each, sent at once, at the contract's own
 * wait settings (3 s polls, 3 s ready buffer) and a 2 s wake delay. Prints wake_up calls (must
 * equal N), commands that succeeded, wall time, peak heap and peak platform threads.
 * Not part of the test run: see README "Performance" for the command.
 */
@Tag("benchmark")
class SleepStormBenchmark {
    private static final int VEHICLES = Integer.getInteger("storm.vehicles", 2000);
    private static final int COMMANDS_PER_VEHICLE = Integer.getInteger("storm.commands", 5);
    private static final int WAKE_DELAY_SECONDS = Integer.getInteger("storm.wake-delay", 2);
    /** Client and server sockets share this process's 20,000 open files. */
    private static final int MAX_IN_FLIGHT = Integer.getInteger("storm.max-in-flight", 6000);
    private static final List<String> COMMANDS = List.of("flash_lights", "honk_horn", "door_lock", "door_unlock",
            "charge_port_door_open", "charge_port_door_close", "auto_conditioning_start", "auto_conditioning_stop");

    @Test
    void sleepStorm() throws Exception {
        SimulatedFleet fleet = new SimulatedFleet();
        fleet.addUser(SimUser.of("storm", "na", "tesla-token-storm"));
        List<String> vins = IntStream.range(0, VEHICLES).mapToObj(n -> "5YJ3E1EA7KS" + String.format("%06d", n)).toList();
        for (int n = 0; n < VEHICLES; n++) {
            fleet.addVehicle(SimVehicle.of(vins.get(n), 900_000L + n, "Storm " + n, "storm", VehicleState.ASLEEP)
                    .withWakeDelaySeconds(WAKE_DELAY_SECONDS));
        }
        TestAccount account = new TestAccount("storm", "na", "tesla-token-storm", "gw-storm", TestAccount.ALL_SCOPES, vins, List.of(), null);
        try (GatewayHarness harness = GatewayHarness.builder().fleet(fleet).accounts(account)
                // the contract's own waits, not the tests' shortened ones
                .setting("fleetgate.wake.poll-interval-ms", "3000")
                .setting("fleetgate.wake.ready-buffer-ms", "3000")
                .setting("fleetgate.commands.reply-timeout-ms", "150000")
                .start();
             HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                     .executor(Executors.newVirtualThreadPerTaskExecutor()).connectTimeout(Duration.ofSeconds(30)).build()) {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            System.gc();
            threads.resetPeakThreadCount();
            ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
            int threadsBefore = threads.getThreadCount();

            Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
            AtomicInteger succeeded = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            java.util.Map<String, AtomicInteger> failures = new java.util.concurrent.ConcurrentHashMap<>();
            List<CompletableFuture<?>> all = new ArrayList<>();
            long started = System.nanoTime();
            for (int round = 0; round < COMMANDS_PER_VEHICLE; round++) {
                for (String vin : vins) {
                    inFlight.acquire();
                    HttpRequest request = HttpRequest.newBuilder(URI.create(harness.url(
                                    "/api/1/vehicles/" + vin + "/command/" + COMMANDS.get(round % COMMANDS.size()))))
                            .timeout(Duration.ofSeconds(180))
                            .header("Authorization", "Bearer gw-storm")
                            .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
                    all.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
                        inFlight.release();
                        if (error == null && response.statusCode() == 200) {
                            succeeded.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                            String why = error != null ? error.getClass().getSimpleName() : String.valueOf(response.statusCode());
                            if (failures.computeIfAbsent(why, k -> new AtomicInteger()).incrementAndGet() == 1 && response != null) {
                                System.out.println("first " + why + ": " + response.body());
                            }
                        }
                    }));
                }
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
            long wallMillis = (System.nanoTime() - started) / 1_000_000;

            long peakHeap = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(pool -> pool.getType() == MemoryType.HEAP)
                    .mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
            System.out.println("upstream statuses: " + harness.simulator().requests().stream()
                    .collect(java.util.stream.Collectors.groupingBy(r -> r.method() + " " + r.status(), java.util.stream.Collectors.counting())));
            long wakeUps = harness.simulator().requests().stream().filter(r -> r.path().endsWith("/wake_up")).count();
            System.out.printf("""

                    sleep storm: %d sleeping vehicles x %d commands (wake delay %d s, polls 3 s, ready buffer 3 s)
                      wake_up calls        %d (vehicles: %d)
                      commands succeeded   %d of %d (failed %d)
                      wall time            %.1f s
                      peak heap            %d MB (whole JVM: gateway, simulator and load generator)
                      peak platform threads %d (before: %d)
                      at most in flight    %d requests
                      failures             %s
                    """, VEHICLES, COMMANDS_PER_VEHICLE, WAKE_DELAY_SECONDS, wakeUps, VEHICLES, succeeded.get(),
                    VEHICLES * COMMANDS_PER_VEHICLE, failed.get(), wallMillis / 1000.0, peakHeap / (1024 * 1024),
                    threads.getPeakThreadCount(), threadsBefore, MAX_IN_FLIGHT, failures);
        }
    }
}
