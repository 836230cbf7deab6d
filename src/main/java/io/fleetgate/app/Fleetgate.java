package io.fleetgate.app;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Fleetgate instance: Camel Main with Fleetgate's beans and its routes (packaged in the jar,
 * or the folder of {@code fleetgate.routes-dir}). Settings given here win over
 * application.properties (tests and demo mode use that).
 */
public final class Fleetgate implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Fleetgate.class);
    /** Camel's shutdown timeout (45 s) and the embedded broker's clean shutdown after it. */
    private static final Duration STOP_BUDGET = Duration.ofSeconds(60);
    private final Main main = new Main();
    private final KafkaSetup kafka = new KafkaSetup();
    private final DemoSetup demo;

    public Fleetgate(Map<String, String> overrides) {
        this(overrides, false, false, () -> { });
    }

    /**
     * As {@code java -jar fleetgate.jar [--demo]} runs it: the ports it will listen on are checked
     * before anything starts, {@code demo} adds the simulator and the demo accounts, and
     * {@code started} runs once Camel has started.
     */
    static Fleetgate forCommandLine(boolean demo, Runnable started) {
        return new Fleetgate(Map.of(), true, demo, started);
    }

    private Fleetgate(Map<String, String> overrides, boolean checkPorts, boolean demoMode, Runnable started) {
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport support) {
                // before Main applies camel.main.shutdown-* to the context's strategy
                CamelContext context = support.getCamelContext();
                context.setShutdownStrategy(new QueueDrainingShutdown(context, QueueDrainingShutdown.DRAIN_LIMIT));
            }

            @Override
            public void afterStart(BaseMainSupport support) {
                started.run();
            }
        });
        main.addMainListener(new Preflight(checkPorts, demoMode));
        if (checkPorts) {
            // the command line's JVM is Fleetgate's alone; an in-JVM Fleetgate leaves its host's compilers be
            main.addMainListener(new CompilerPriority());
        }
        main.addMainListener(new StartupSummary(kafka));
        demo = demoMode ? new DemoSetup() : null;
        if (demo != null) {
            main.addMainListener(demo);
        }
        main.addMainListener(kafka);
        main.configure().addConfiguration(new FleetgateConfiguration());
        overrides.forEach(main::addOverrideProperty);
    }

    /** Starts and returns once the HTTP ingress is listening. */
    public Fleetgate start() throws Exception {
        main.start();
        return this;
    }

    /** Starts and blocks until the JVM is asked to stop, and until Fleetgate has stopped. */
    public void run() throws Exception {
        // The JVM ends once its shutdown hooks have, and Camel's (SIGTERM) ends when the context has
        // stopped, before run() gets to the after-stop listeners: the embedded broker was cut off
        // mid-shutdown, so every restart found an unclean log and waited out the old broker's
        // session (~9 s). This hook holds the JVM until run() has returned.
        CountDownLatch returned = new CountDownLatch(1);
        Thread holdUntilStopped = new Thread(() -> {
            try {
                if (!returned.await(STOP_BUDGET.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("Fleetgate did not stop within {} s of the JVM's shutdown; exiting anyway", STOP_BUDGET.toSeconds());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "fleetgate-stop");
        Runtime.getRuntime().addShutdownHook(holdUntilStopped);
        try {
            main.run();
        } finally {
            returned.countDown();
        }
    }

    /** The Kafka cluster in use: the configured one, or the embedded broker's address. */
    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    @Override
    public void close() throws Exception {
        try {
            main.stop();
        } finally {
            // Main runs its after-stop listeners only when run() returns, not on stop(); and after a
            // failed start it regards itself as stopped, whatever the listeners had started
            try {
                kafka.stopEmbedded();
            } finally {
                if (demo != null) {
                    demo.close();
                }
            }
        }
    }
}
