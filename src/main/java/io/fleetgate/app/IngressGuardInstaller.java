package io.fleetgate.app;

import io.fleetgate.ingress.IngressGuard;
import io.vertx.ext.web.Router;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/** Puts the {@link IngressGuard} in front of the Fleet API routes once the HTTP server exists. */
final class IngressGuardInstaller implements ExtendedStartupListener {
    private final IngressGuard guard;
    private final int serverPort;

    IngressGuardInstaller(IngressGuard guard, int serverPort) {
        this.guard = guard;
        this.serverPort = serverPort;
    }

    @Override
    public void onCamelContextStarting(CamelContext context, boolean alreadyStarted) {
        // the server's router is registered while the context starts; install before traffic
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        Router router = VertxPlatformHttpRouter.lookup(context, VertxPlatformHttpRouter.getRouterNameFromPort(serverPort));
        if (router == null) {
            throw new IllegalStateException("the platform-http server is not running");
        }
        guard.install(router, "/api/");
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        // installed in onCamelContextStarted
    }
}
