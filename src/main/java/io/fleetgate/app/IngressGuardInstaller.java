package io.fleetgate.app;

import io.fleetgate.ingress.IngressGuard;
import io.fleetgate.ingress.IpLimitGuard;
import io.fleetgate.ingress.UnreadableRequests;
import io.fleetgate.ops.OpenApiDocument;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Puts the {@link IpLimitGuard} and the {@link IngressGuard} on the HTTP server once it exists:
 * the per-IP limit in front of everything, the guard in front of the Fleet API routes, behind
 * Fleetgate's own routes for the methods they do not take and for while they are not running, and
 * behind everything for the paths nothing serves. Only on the main server: the management server
 * keeps its own answers, and its requests (health, metrics) are not counted. Once everything has
 * started, a server of Fleetgate's takes over the API port from Camel's (see {@link #takeOverThePort}).
 */
final class IngressGuardInstaller implements ExtendedStartupListener {
    private final IpLimitGuard ipLimit;
    private final IngressGuard guard;
    private final UnreadableRequests unreadable;
    private final int serverPort;
    private final int eventLoops;
    private final AtomicBoolean installed = new AtomicBoolean();
    private final AtomicBoolean tookOver = new AtomicBoolean();

    /**
     * @param eventLoops how many event loops take the API port's connections; 0: one per two cores
     *     (at least one), as the broker, the Kafka clients, the command lanes and the collector need
     *     the others: on 2 cores a loop per core gave a fifth more reads a second but a sleep storm
     *     20-50 % longer, each loop woken for fewer tasks at a time
     */
    IngressGuardInstaller(IpLimitGuard ipLimit, IngressGuard guard, UnreadableRequests unreadable, int serverPort,
            int eventLoops) {
        this.ipLimit = ipLimit;
        this.guard = guard;
        this.unreadable = unreadable;
        this.serverPort = serverPort;
        this.eventLoops = eventLoops > 0 ? eventLoops : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
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
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) throws Exception {
        // the guards were installed in onCamelContextStarted; ServersListening has checked Camel's server by now
        if (tookOver.compareAndSet(false, true)) {
            takeOverThePort(context);
        }
    }

    /**
     * Listens on the API port with servers of Fleetgate's, beside Camel's, then closes Camel's:
     * Vert.x shares the bound socket among them, so no connection is refused meanwhile, and the
     * connections Camel's server took stay with it. Why: Vert.x fixes a server's answer to requests
     * its decoder cannot read (an empty 414 or 431) when the server listens, and Camel creates and
     * listens its server in one step; Fleetgate's answers those in the envelope
     * ({@link UnreadableRequests}). And Camel's is one server on one event loop, so one core would
     * carry every connection's reads: one server per event loop (a verticle instance each), among
     * which Vert.x deals the new connections in turn. Same router, same options (Camel sets none
     * but TLS: with Camel's global TLS settings in use, its server is left as it is).
     */
    private void takeOverThePort(CamelContext context) throws Exception {
        VertxPlatformHttpServer camels = apiServer(context);
        if (camels.isUseGlobalSslContextParameters()) {
            return;
        }
        Handler<HttpServerRequest> requests = camels.getServer().requestHandler();
        String deployment = await(camels.getVertx().deployVerticle(() -> new AbstractVerticle() {
            @Override
            public void start(Promise<Void> listening) {
                vertx.createHttpServer(new HttpServerOptions())
                        .requestHandler(requests)
                        .invalidRequestHandler(unreadable)
                        .listen(camels.getConfigurationPort(), camels.getHost())
                        .<Void>mapEmpty()
                        .onComplete(listening);
            }
        }, new DeploymentOptions().setInstances(eventLoops)));
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() throws Exception {
                await(camels.getVertx().undeploy(deployment));
            }
        }, true, true);
        await(camels.getServer().close());
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** The router the HTTP server hands requests to; the routes' router is mounted on it. */
    private Router serverRouter(CamelContext context) {
        if (apiServer(context).getServer().requestHandler() instanceof Router router) {
            return router;
        }
        throw new IllegalStateException("the platform-http server on port " + serverPort + " has no router");
    }

    private VertxPlatformHttpServer apiServer(CamelContext context) {
        return context.hasServices(VertxPlatformHttpServer.class).stream()
                .filter(server -> server.getConfigurationPort() == serverPort)
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
