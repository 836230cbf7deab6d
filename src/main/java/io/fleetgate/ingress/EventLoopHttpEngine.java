package io.fleetgate.ingress;

import java.util.Set;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * platform-http on Vert.x, where the named routes run on the HTTP server's event loop instead of
 * a worker thread ({@link EventLoopHttpConsumer}); every other route keeps platform-http's worker.
 * Bound as {@code platform-http-engine}, which platform-http looks up before its own.
 */
public final class EventLoopHttpEngine extends VertxPlatformHttpEngine {
    private final Set<String> eventLoopPaths;

    /** @param eventLoopPaths the {@code platform-http:} paths whose routes run on the event loop */
    public EventLoopHttpEngine(Set<String> eventLoopPaths) {
        this.eventLoopPaths = Set.copyOf(eventLoopPaths);
    }

    @Override
    public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
        if (!eventLoopPaths.contains(endpoint.getPath())) {
            return super.createConsumer(endpoint, processor);
        }
        return new EventLoopHttpConsumer(endpoint, processor, getHandlers(),
                VertxPlatformHttpRouter.getRouterNameFromPort(getServerPort()));
    }
}
