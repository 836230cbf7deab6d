package io.fleetgate.sim;

import java.util.concurrent.CountDownLatch;

/** Runs the simulator with the demo fleet on the standalone ports until the process is stopped. */
public final class SimulatorMain {

    private SimulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        FleetApiSimulator simulator = FleetApiSimulator.start(SimulatorConfig.standalone(SimulatedFleet.demo()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            stopped.countDown();
        }, "fleet-api-simulator-shutdown"));

        System.out.println("Fleet API simulator (demo fleet)");
        for (String region : SimulatedFleet.REGIONS) {
            System.out.println("  " + region + "       " + simulator.baseUrl(region));
        }
        System.out.println("  control  " + simulator.controlUrl() + "/sim/vehicles");
        System.out.println("  tokens   na: " + SimulatedFleet.DEMO_ACCESS_TOKEN
                + "   eu: " + SimulatedFleet.DEMO_EU_ACCESS_TOKEN);
        System.out.println("Stop with Ctrl+C.");
        stopped.await();
    }
}
