package io.fleetgate.app;

import static io.fleetgate.testing.TestFleet.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.testing.GatewayHarness;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class QueueDrainingShutdownTest {

    @Test
    void queuedExchangesAreWorkedOffBeforeCamelsOwnWaitBegins() throws Exception {
        AtomicInteger done = new AtomicInteger();
        // about 0.4 s of work queued: Camel alone would find it pending and sleep a whole second
        try (CamelContext context = queueWorkedOffBy(exchange -> {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
            done.incrementAndGet();
        })) {
            QueueDrainingShutdown shutdown = new QueueDrainingShutdown(context, Duration.ofSeconds(30));
            context.setShutdownStrategy(shutdown);
            context.start();
            queue(context, 200);

            context.stop();

            assertThat(done).hasValue(200);
            assertThat(shutdown.leftToCamel()).as("exchanges left for Camel's one-second steps").isZero();
        }
    }

    @Test
    void whatTheLimitLeavesIsStillWorkedOffByCamel() throws Exception {
        AtomicInteger done = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        try (CamelContext context = queueWorkedOffBy(exchange -> {
            release.await();
            done.incrementAndGet();
        })) {
            QueueDrainingShutdown shutdown = new QueueDrainingShutdown(context, Duration.ofMillis(100));
            context.setShutdownStrategy(shutdown);
            context.start();
            queue(context, 3);

            CompletableFuture<Void> stopped = CompletableFuture.runAsync(context::stop);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> shutdown.leftToCamel() == 3);
            release.countDown();
            stopped.get(30, TimeUnit.SECONDS);

            assertThat(done).as("nothing queued is dropped").hasValue(3);
        }
    }

    @Test
    void fleetgateStopsThroughItWithCamelMainsShutdownSettings() {
        try (GatewayHarness harness = GatewayHarness.builder().accounts(ALICE).start()) {
            assertThat(harness.get("/api/1/vehicles", ALICE.gatewayToken()).statusCode()).isEqualTo(200);
            CamelContext context = harness.gateway().context();
            assertThat(context.getShutdownStrategy()).isInstanceOf(QueueDrainingShutdown.class);
            // camel.main.shutdown-timeout's default reached it: Main configured it after it was set
            assertThat(context.getShutdownStrategy().getTimeout()).isEqualTo(45);
            QueueDrainingShutdown shutdown = (QueueDrainingShutdown) context.getShutdownStrategy();
            assertThat(shutdown.leftToCamel()).as("no stop yet").isEqualTo(-1);

            harness.stopGateway();

            // the stop went through it (how much it left to Camel depends on the host's speed)
            assertThat(shutdown.leftToCamel()).isNotNegative();
        }
    }

    private static CamelContext queueWorkedOffBy(Processor work) throws Exception {
        CamelContext context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("seda:work?size=1000&pollTimeout=100").routeId("work").process(work);
            }
        });
        return context;
    }

    private static void queue(CamelContext context, int exchanges) {
        try (ProducerTemplate producer = context.createProducerTemplate()) {
            for (int i = 0; i < exchanges; i++) {
                producer.sendBody("seda:work", i);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
