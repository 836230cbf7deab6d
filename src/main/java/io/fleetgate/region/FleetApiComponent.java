package io.fleetgate.region;

import io.fleetgate.resilience.RegionBreakers;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Endpoint;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.support.DefaultComponent;

/**
 * {@code fleet-api:<region>}: one call to a region's Fleet API host through that region's circuit
 * breaker, on a keep-alive connection pool made once per region (Vert.x's asynchronous client on
 * the HTTP server's own Vert.x), so neither the host nor the client is resolved per call. Only the
 * configured regional hosts exist here; a region that is not one is refused when the route starts.
 */
public final class FleetApiComponent extends DefaultComponent {
    private final RegionalBaseUrls baseUrls;
    private final RegionBreakers breakers;
    private final UpstreamClientSettings settings;
    /** Only when there is no HTTP server to share one with (a context without platform-http). */
    private Vertx ownVertx;
    /** The API server's Vert.x, once a call has found it. */
    private volatile Vertx apiServerVertx;

    public FleetApiComponent(RegionalBaseUrls baseUrls, RegionBreakers breakers, UpstreamClientSettings settings) {
        this.baseUrls = baseUrls;
        this.breakers = breakers;
        this.settings = settings;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        Region region = Region.fromCode(remaining)
                .orElseThrow(() -> new IllegalArgumentException("fleet-api: no region called '" + remaining + "' (na, eu, cn)"));
        return new FleetApiEndpoint(uri, this, region);
    }

    RegionalBaseUrls baseUrls() {
        return baseUrls;
    }

    RegionBreakers breakers() {
        return breakers;
    }

    UpstreamClientSettings settings() {
        return settings;
    }

    /** What times the answered calls: the registry's {@link UpstreamLatency}, or none. */
    UpstreamLatency latency() {
        UpstreamLatency bound = getCamelContext().getRegistry().findSingleByType(UpstreamLatency.class);
        return bound != null ? bound : UpstreamLatency.NONE;
    }

    /**
     * The API server's Vert.x, for calls made off its event loops (every command's, from its
     * lane): looked up at the first such call and kept, as the lookup was 2 % of a sleep storm's
     * allocation. The API server's by its port: the management server has a Vert.x of its own, and
     * the set Camel keeps its servers in has no order.
     */
    Vertx vertx() {
        Vertx found = apiServerVertx;
        return found != null ? found : lookUpVertx();
    }

    private synchronized Vertx lookUpVertx() {
        Optional<String> apiPort = getCamelContext().getPropertiesComponent().resolveProperty("camel.server.port");
        Vertx any = null;
        for (VertxPlatformHttpServer server : getCamelContext().hasServices(VertxPlatformHttpServer.class)) {
            if (server.getVertx() != null) {
                if (apiPort.isPresent() && apiPort.get().trim().equals(String.valueOf(server.getConfigurationPort()))) {
                    apiServerVertx = server.getVertx();
                    return apiServerVertx;
                }
                any = any != null ? any : server.getVertx();
            }
        }
        if (any != null) {
            return any;
        }
        Vertx bound = getCamelContext().getRegistry().findSingleByType(Vertx.class);
        if (bound != null) {
            return bound;
        }
        if (ownVertx == null) {
            ownVertx = Vertx.vertx();
        }
        return ownVertx;
    }

    @Override
    protected synchronized void doStop() throws Exception {
        super.doStop();
        apiServerVertx = null;
        if (ownVertx != null) {
            ownVertx.close();
            ownVertx = null;
        }
    }
}
