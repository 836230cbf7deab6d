package io.fleetgate.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.json.JsonMappers;
import io.fleetgate.vcp.Domain;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays Tesla's Fleet API on loopback: one HTTP server per region ({@code na}, {@code eu},
 * {@code cn}) and a control API to steer it. Start it once per test class; close it at the end.
 *
 * <pre>{@code
 * try (FleetApiSimulator sim = FleetApiSimulator.start(SimulatorConfig.ephemeral(SimulatedFleet.demo()))) {
 *     String na = sim.baseUrl("na");   // http://127.0.0.1:<port>
 * }
 * }</pre>
 */
public final class FleetApiSimulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FleetApiSimulator.class);
    private static final long STARTUP_TIMEOUT_SECONDS = 30;

    private final Vertx vertx;
    private final SimServices services;
    private final SimulatedFleet.Snapshot initialFleet;
    private final String controlUrl;
    private final AtomicBoolean closed = new AtomicBoolean();

    private FleetApiSimulator(Vertx vertx, SimServices services, SimulatedFleet.Snapshot initialFleet,
                              String controlUrl) {
        this.vertx = vertx;
        this.services = services;
        this.initialFleet = initialFleet;
        this.controlUrl = controlUrl;
    }

    /** Binds the three regional servers and the control API; returns once all of them listen. */
    public static FleetApiSimulator start(SimulatorConfig config) {
        Vertx vertx = Vertx.vertx();
        try {
            SimulatedFleet fleet = config.fleet();
            fleet.attachClock(config.clock());
            ObjectMapper json = JsonMappers.newMapper();
            SimServices services = new SimServices(vertx, config.clock(), json, fleet, new RegionDirectory(config),
                    new ScriptQueue(), new RequestLog(), new FleetErrors(json, new TxIds(new SecureRandom())),
                    new VehicleVerifiers(config.clock(), config.vehicleKeySeed()), new SimOAuth(config.clock(), json), new RegionOutages(), new SimTelemetry(fleet));
            ApiEndpoints endpoints = ApiEndpoints.create(services);
            for (String region : SimulatedFleet.REGIONS) {
                Router router = new RegionalRouter(region, services, endpoints).build();
                int port = listen(vertx, router, config.host(), config.portOf(region));
                services.directory().bound(region, port);
            }
            SimulatedFleet.Snapshot initialFleet = fleet.snapshot();
            Router control = new ControlApi(services, () -> reset(services, initialFleet)).build();
            int controlPort = listen(vertx, control, config.host(), config.controlPort());
            FleetApiSimulator started = new FleetApiSimulator(vertx, services, initialFleet,
                    services.directory().urlFor(controlPort));
            LOG.info("Fleet API simulator listening: na {}, eu {}, cn {}, control {}",
                    started.baseUrl("na"), started.baseUrl("eu"), started.baseUrl("cn"), started.controlUrl());
            return started;
        } catch (RuntimeException | ExecutionException | TimeoutException e) {
            await(vertx.close());
            throw new IllegalStateException("Fleet API simulator failed to start: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            vertx.close();
            throw new IllegalStateException("interrupted while starting the Fleet API simulator", e);
        }
    }

    /** {@code http://127.0.0.1:<port>} of the region's server ({@code na}, {@code eu}, {@code cn}). */
    public String baseUrl(String region) {
        return services.directory().baseUrl(region);
    }

    /** {@code http://127.0.0.1:<port>} of the control API. */
    public String controlUrl() {
        return controlUrl;
    }

    /**
     * Tesla's token endpoint on this simulator ({@code POST}, form-encoded), served by every
     * regional server; this is the NA server's.
     */
    public String tokenUrl() {
        return baseUrl("na") + "/oauth2/v3/token";
    }

    /** The OAuth side: refresh tokens, issued access tokens, and how often each refresh token was presented. */
    public SimOAuth oauth() {
        return services.oauth();
    }

    /**
     * Adds a Tesla user (with every scope) and signs them in: returns their first refresh token.
     * Vehicles and sites are added to the fleet as usual.
     */
    public String addUserWithRefreshToken(String userId, String region) {
        SimUser user = SimUser.of(userId, region, "static-" + java.util.UUID.randomUUID());
        services.fleet().addUser(user);
        return services.oauth().grant(user);
    }

    /** The live model; changes show in the next answer. */
    public SimulatedFleet fleet() {
        return services.fleet();
    }

    /** Every request that reached a regional server, in the order they were answered. */
    public List<RecordedRequest> requests() {
        return services.log().all();
    }

    /** The requests whose path mentions the VIN. */
    public List<RecordedRequest> requests(String vin) {
        return services.log().mentioning(vin);
    }

    public void clearRequests() {
        services.log().clear();
    }

    /** Scripted answers not yet taken: a request takes its answer when it arrives, before it is answered. */
    public int scriptsPending() {
        return services.scripts().pending();
    }

    /**
     * Restores the fleet as it was at start (keychains included), and drops all scripts, the
     * request log and the vehicles' command-protocol sessions.
     */
    public void reset() {
        reset(services, initialFleet);
    }

    /**
     * Pairs a command key (65-byte uncompressed P-256 point) with every vehicle, as if each owner
     * had approved it; signed commands from its holder are then accepted.
     */
    public void pairKeyWithAll(byte[] publicKey) {
        services.fleet().pairKeyWithAll(publicKey);
    }

    /**
     * The vehicle's next {@code count} verified signed commands are refused with a protocol fault:
     * {@code busy}, {@code timeout} or {@code internal} (the vehicle may take it later), or the
     * permanent {@code insufficient_privileges} and {@code remote_access_disabled}.
     */
    public void scriptFaults(String vin, String fault, int count) {
        services.fleet().vehicle(vin);
        services.verifiers().scriptFaults(vin, faultNamed(fault), count);
    }

    static io.fleetgate.vcp.proto.UniversalMessage.MessageFault_E faultNamed(String fault) {
        return switch (fault) {
            case "busy" -> io.fleetgate.vcp.proto.UniversalMessage.MessageFault_E.MESSAGEFAULT_ERROR_BUSY;
            case "timeout" -> io.fleetgate.vcp.proto.UniversalMessage.MessageFault_E.MESSAGEFAULT_ERROR_TIMEOUT;
            case "internal" -> io.fleetgate.vcp.proto.UniversalMessage.MessageFault_E.MESSAGEFAULT_ERROR_INTERNAL;
            case "insufficient_privileges" -> io.fleetgate.vcp.proto.UniversalMessage.MessageFault_E.MESSAGEFAULT_ERROR_INSUFFICIENT_PRIVILEGES;
            case "remote_access_disabled" -> io.fleetgate.vcp.proto.UniversalMessage.MessageFault_E.MESSAGEFAULT_ERROR_REMOTE_ACCESS_DISABLED;
            default -> throw new IllegalArgumentException(
                    "fault must be busy, timeout, internal, insufficient_privileges or remote_access_disabled");
        };
    }

    /**
     * The region's server answers every request with this 5xx status (nothing reaches a vehicle)
     * until {@link #restoreRegion}: a regional outage, as Fleetgate's circuit breakers meet it.
     */
    public void failRegion(String region, int status) {
        services.outages().fail(region, status);
    }

    public void restoreRegion(String region) {
        services.outages().restore(region);
    }

    /** The vehicle restarts its command-protocol sessions (new epochs): the next signed command is stale. */
    public void restartSessions(String vin) {
        services.fleet().vehicle(vin);
        services.verifiers().restartSessions(vin);
    }

    /** The public key of a vehicle's domain, as a client learns it from the session handshake. */
    public byte[] vehiclePublicKey(String vin, Domain domain) {
        services.fleet().vehicle(vin);
        return services.verifiers().publicKey(vin, domain);
    }

    /**
     * Plays fleet-telemetry: from now on, online vehicles stream their signals (and connectivity,
     * alerts and errors) to the Kafka topics {@code <namespace>_*}, as {@link TelemetryEmitter} says.
     * Streaming already? The old emitter stops first.
     */
    public synchronized TelemetryEmitter startTelemetry(TelemetryStreaming streaming) {
        stopTelemetry();
        TelemetryEmitter emitter = new TelemetryEmitter(services.fleet(), services.telemetry(), services.clock(), streaming);
        services.telemetry().attach(emitter);
        emitter.start();
        LOG.info("simulated fleet-telemetry writing to {}_* every {} ms", streaming.namespace(), streaming.interval().toMillis());
        return emitter;
    }

    public synchronized void stopTelemetry() {
        services.telemetry().emitter().ifPresent(TelemetryEmitter::close);
    }

    /** The vehicles' motion (drive, park, charge) and the emitter while one streams. */
    public SimTelemetry telemetry() {
        return services.telemetry();
    }

    private static void reset(SimServices services, SimulatedFleet.Snapshot initialFleet) {
        services.fleet().restore(initialFleet);
        services.telemetry().reset();
        services.scripts().clear();
        services.log().clear();
        services.verifiers().reset();
        services.oauth().reset();
        services.outages().clear();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            stopTelemetry();
            await(vertx.close());
        }
    }

    private static int listen(Vertx vertx, Router router, String host, int port)
            throws InterruptedException, ExecutionException, TimeoutException {
        HttpServer server = vertx.createHttpServer().requestHandler(router);
        return server.listen(port, host).toCompletionStage().toCompletableFuture()
                .get(STARTUP_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .actualPort();
    }

    private static void await(Future<Void> future) {
        try {
            future.toCompletionStage().toCompletableFuture().get(STARTUP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Fleet API simulator did not close cleanly", e);
        }
    }
}
