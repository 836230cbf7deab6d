package io.fleetgate.region;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.resilience.BreakerSettings;
import io.fleetgate.resilience.RegionBreakers;
import io.fleetgate.sim.FleetApiSimulator;
import io.fleetgate.sim.SimulatorConfig;
import io.fleetgate.testing.CommandFleet;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.camel.AsyncProducer;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/**
 * A call made on an event loop is sent and answered on that loop, whatever Vert.x the component
 * would pick for calls off the loops. Fleetgate has two (the API server's and the management
 * server's), and the component had picked one of them at random: in half the runs every read went
 * to the other one's loops and its answer came back as a task, a third more CPU per read.
 */
class CallingLoopTest {

    @Test
    void aCallFromAnEventLoopIsAnsweredOnThatLoopEvenWhenTheComponentsVertxIsAnother() throws Exception {
        Vertx server = Vertx.vertx();
        Vertx other = Vertx.vertx();
        try (FleetApiSimulator simulator = FleetApiSimulator.start(SimulatorConfig.ephemeral(CommandFleet.fleet()));
             DefaultCamelContext context = new DefaultCamelContext()) {
            String na = simulator.baseUrl("na");
            // the component's Vert.x for calls off the loops: not the one the calls below come from
            context.getRegistry().bind("otherVertx", other);
            context.addComponent("fleet-api", new FleetApiComponent(new RegionalBaseUrls(na, na, na),
                    new RegionBreakers(new BreakerSettings(50, 10, 10, Duration.ofSeconds(30), 2), Clock.systemUTC()),
                    new UpstreamClientSettings(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(5), 4)));
            context.start();
            AsyncProducer call = context.getEndpoint("fleet-api:na").createAsyncProducer();
            call.start();

            for (int i = 0; i < 3; i++) {
                CompletableFuture<Thread[]> threads = new CompletableFuture<>();
                Exchange exchange = new DefaultExchange(context);
                exchange.getMessage().setHeader(Exchange.HTTP_METHOD, "GET");
                exchange.getMessage().setHeader(Exchange.HTTP_PATH, "/api/1/vehicles");
                server.runOnContext(ignored -> {
                    Thread calling = Thread.currentThread();
                    call.process(exchange, doneSync -> threads.complete(new Thread[] {calling, Thread.currentThread()}));
                });
                Thread[] callingAndAnswered = threads.get(10, TimeUnit.SECONDS);

                assertThat(exchange.getException()).isNull();
                assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).isNotNull();
                assertThat(callingAndAnswered[1]).as("the answer's thread").isSameAs(callingAndAnswered[0]);
            }
            call.stop();
        } finally {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            other.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
