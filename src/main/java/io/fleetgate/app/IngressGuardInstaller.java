package io.fleetgate.app;

import io.fleetgate.ingress.IngressGuard;
import io.fleetgate.ingress.IpLimitGuard;
import io.fleetgate.ops.OpenApiDocument;
import io.vertx.ext.web.Router;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;

/**
 * Puts the {@link IpLimitGuard} and the {@link IngressGuard} on the HTTP server once it exists:
 * the per-IP limit in front of everything, the guard in front of the Fleet API routes, behind
 * Fleetgate's own routes for the methods they do not take and for while they are not running, and
 * behind everything for the paths nothing serves. Only on the main server: the management server
 * keeps its own answers, and its requests (health, metrics) are not counted.
 */
final class IngressGuardInstaller implements ExtendedStartupListener {
    private final IpLimitGuard ipLimit;
    private final IngressGuard guard;
    private final int serverPort;
    private final AtomicBoolean installed = new AtomicBoolean();

    IngressGuardInstaller(IpLimitGuard ipLimit, IngressGuard guard, int serverPort) {
        this.ipLimit = ipLimit;
        this.guard = guard;
        this.serverPort = serverPort;
    }

    @Override
    public void onCamelContextStarting(CamelContext context, boolean alreadyStarted) {
        // the server's router is registered while the context starts; install before traffic
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // Camel calls this each time routes start (twice at startup, again for a route started or
        // added later): installed again, the handlers would pile up, and a removed route's path
        // would keep a handler that answers for it
        if (!installed.compareAndSet(false, true)) {
            return;
        }
        Router router = VertxPlatformHttpRouter.lookup(context, VertxPlatformHttpRouter.getRouterNameFromPort(serverPort));
        if (router == null) {
            throw new IllegalStateException("the platform-http server is not running");
        }
        // on the server's own router, ahead of everything: what it refuses there counts as well
        Router server = serverRouter(context);
        ipLimit.install(server);
        guard.refuseUnreadableTargets(server);
        guard.install(router, "/api/");
        guard.refuseOtherMethods(router, methodsByPath(context));
        guard.holdPrefixes(router, methodsByPrefix(context));
        guard.refuseUnknownPaths(router);
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        // installed in onCamelContextStarted
    }

    /** The router the HTTP server hands requests to; the routes' router is mounted on it. */
    private Router serverRouter(CamelContext context) {
        return context.hasServices(VertxPlatformHttpServer.class).stream()
                .filter(server -> server.getPort() == serverPort)
                .map(server -> server.getServer().requestHandler())
                .filter(Router.class::isInstance)
                .map(Router.class::cast)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no platform-http server on port " + serverPort));
    }

    /** Each prefix route's path with the methods its httpMethodRestrict names (empty: it takes every method). */
    private static Map<String, Set<String>> methodsByPrefix(CamelContext context) {
        Map<String, Set<String>> methods = new TreeMap<>();
        for (Route route : context.getRoutes()) {
            if (route.getEndpoint() instanceof PlatformHttpEndpoint http && http.isMatchOnUriPrefix()) {
                methods.computeIfAbsent(http.getPath(), path -> new TreeSet<>()).addAll(OpenApiDocument.restrictedMethods(http));
            }
        }
        return methods;
    }

    /** Each own path's methods as its routes' httpMethodRestrict gives them: what the OpenAPI document lists too. */
    private static Map<String, Set<String>> methodsByPath(CamelContext context) {
        Map<String, Set<String>> methods = new TreeMap<>();
        for (OpenApiDocument.OwnEndpoint own : OpenApiDocument.ownEndpoints(context)) {
            methods.computeIfAbsent(own.path(), path -> new TreeSet<>()).add(own.method());
        }
        return methods;
    }
}
