package io.fleetgate.app;

import io.vertx.core.net.impl.TCPServerBase;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;

/**
 * Fails the start when an HTTP server did not bind. Camel's platform-http server logs a failed
 * listen and starts anyway, so a port taken after {@link Preflight} looked (by another process, or
 * an outgoing connection given it as its ephemeral port) left a running Fleetgate with no API or no
 * health endpoint. Now it is the same one line as a port taken before.
 */
final class ServersListening implements StartupListener {
    private final int serverPort;

    ServersListening(int serverPort) {
        this.serverPort = serverPort;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        if (alreadyStarted) {
            return; // a route started later: the servers were checked at the start
        }
        for (VertxPlatformHttpServer server : context.hasServices(VertxPlatformHttpServer.class)) {
            // isListening is Vert.x's own record of the bind; actualPort gives the configured port even after a failed one
            if (!(server.getServer() instanceof TCPServerBase bound) || !bound.isListening()) {
                int port = server.getConfigurationPort();
                // the other server is the management one: Camel starts no third
                String key = port == serverPort ? "camel.server.port" : "camel.management.port";
                String what = port == serverPort ? "the REST API" : "health and metrics";
                throw Preflight.portInUse(port, key, what);
            }
        }
    }
}
