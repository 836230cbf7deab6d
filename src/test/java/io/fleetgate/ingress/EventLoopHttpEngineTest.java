package io.fleetgate.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConsumer;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** Only the named paths' routes run on the event loop; every other route keeps platform-http's worker. */
class EventLoopHttpEngineTest {

    @Test
    void theFleetApiIngressRunsOnTheEventLoopAndOtherRoutesOnWorkers() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            PlatformHttpComponent component = new PlatformHttpComponent(context);
            EventLoopHttpEngine engine = new EventLoopHttpEngine(Set.of("/api/1"));
            engine.setCamelContext(context);

            var ingress = engine.createConsumer(new PlatformHttpEndpoint("platform-http:/api/1", "/api/1", component),
                    exchange -> { });
            var admin = engine.createConsumer(new PlatformHttpEndpoint("platform-http:/admin/accounts", "/admin/accounts", component),
                    exchange -> { });

            assertThat(ingress).isInstanceOf(EventLoopHttpConsumer.class);
            assertThat(admin).isInstanceOf(VertxPlatformHttpConsumer.class).isNotInstanceOf(EventLoopHttpConsumer.class);
        }
    }
}
