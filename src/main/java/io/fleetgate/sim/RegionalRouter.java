package io.fleetgate.sim;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of one region. Every request is logged with its final status; {@code /api/...}
 * requests pass, in order: bearer token (401), home region (421), scripted answers, then the
 * endpoint with its scope check.
 */
final class RegionalRouter {

    private static final Logger LOG = LoggerFactory.getLogger(RegionalRouter.class);
    private static final String USER = "fleetgate.sim.user";
    private static final String SCRIPTED = "fleetgate.sim.scripted";
    private static final String RECORDER = "fleetgate.sim.recorder";
    /** Context key under which the signed_command endpoint leaves the name of the command it ran. */
    static final String SIGNED_COMMAND = "fleetgate.sim.signed-command";
    private static final long MAX_BODY_BYTES = 1 << 20;
    private static final int CLIENT_CLOSED_REQUEST = 499;

    private static final Set<String> USER_DATA = Set.of("user_data");
    private static final Set<String> VEHICLE_DATA = Set.of("vehicle_device_data");
    private static final Set<String> WAKE = Set.of("vehicle_device_data", "vehicle_cmds");
    // the command inside is signed for the car, so the cloud can only ask for either command scope
    private static final Set<String> SIGNED_COMMANDS = Set.of("vehicle_cmds", "vehicle_charging_cmds");
    private static final Set<String> ENERGY_DATA = Set.of("energy_device_data");
    private static final Set<String> ENERGY_CMDS = Set.of("energy_cmds");
    private static final Set<String> ANY = Set.of();

    private final String region;
    private final SimServices sim;
    private final ApiEndpoints api;

    RegionalRouter(String region, SimServices sim, ApiEndpoints api) {
        this.region = region;
        this.sim = sim;
        this.api = api;
    }

    Router build() {
        Router router = Router.router(sim.vertx());
        router.route().handler(this::record);
        router.route().handler(this::answerOutage);
        router.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
        router.get("/status").handler(ctx -> write(ctx, Reply.text(200, "ok")));
        router.post("/oauth2/v3/token").handler(this::token);
        router.route("/api/*").handler(this::authenticate);
        router.route("/api/*").handler(this::answerFromScript);

        on(router, HttpMethod.GET, "/api/1/users/region", USER_DATA, api.users()::region);
        on(router, HttpMethod.GET, "/api/1/users/me", USER_DATA, api.users()::me);
        on(router, HttpMethod.GET, "/api/1/users/orders", USER_DATA, api.users()::orders);
        on(router, HttpMethod.GET, "/api/1/users/feature_config", USER_DATA, api.users()::featureConfig);
        on(router, HttpMethod.GET, "/api/1/users/backup_key", USER_DATA, api.users()::backupKey);
        on(router, HttpMethod.GET, "/api/1/products", ANY, api.users()::products);

        VehicleEndpoints vehicles = api.vehicles();
        on(router, HttpMethod.GET, "/api/1/vehicles", VEHICLE_DATA, vehicles::list);
        on(router, HttpMethod.POST, "/api/1/vehicles/fleet_status", VEHICLE_DATA, vehicles::fleetStatus);
        on(router, HttpMethod.GET, "/api/1/vehicles/:tag", VEHICLE_DATA, vehicles::one);
        on(router, HttpMethod.GET, "/api/1/vehicles/:tag/vehicle_data", VEHICLE_DATA, vehicles::vehicleData);
        on(router, HttpMethod.POST, "/api/1/vehicles/:tag/wake_up", WAKE, vehicles::wakeUp);
        on(router, HttpMethod.GET, "/api/1/vehicles/:tag/mobile_enabled", VEHICLE_DATA, vehicles::mobileEnabled);
        on(router, HttpMethod.GET, "/api/1/vehicles/:tag/nearby_charging_sites", VEHICLE_DATA,
                vehicles::nearbyChargingSites);
        on(router, HttpMethod.GET, "/api/1/vehicles/:tag/recent_alerts", VEHICLE_DATA, vehicles::recentAlerts);
        on(router, HttpMethod.GET, "/api/1/vehicles/:tag/release_notes", VEHICLE_DATA, vehicles::releaseNotes);
        on(router, HttpMethod.GET, "/api/1/vehicles/:tag/service_data", VEHICLE_DATA, vehicles::serviceData);
        on(router, HttpMethod.GET, "/api/1/vehicles/:tag/drivers", VEHICLE_DATA, vehicles::drivers);
        TelemetryConfigEndpoints telemetryConfigs = new TelemetryConfigEndpoints(sim.fleet(), sim.errors(),
                new Envelope(sim.json()), sim.clock());
        on(router, HttpMethod.POST, "/api/1/vehicles/fleet_telemetry_config_jws", VEHICLE_DATA, telemetryConfigs::configure);
        on(router, HttpMethod.GET, "/api/1/vehicles/:tag/fleet_telemetry_config", VEHICLE_DATA, telemetryConfigs::read);
        on(router, HttpMethod.DELETE, "/api/1/vehicles/:tag/fleet_telemetry_config", VEHICLE_DATA, telemetryConfigs::delete);
        on(router, HttpMethod.POST, "/api/1/vehicles/:tag/signed_command", SIGNED_COMMANDS,
                api.signedCommands()::signedCommand);
        // scopes depend on the command name (charging commands), so the handler checks them
        on(router, HttpMethod.POST, "/api/1/vehicles/:tag/command/:name", ANY, vehicles::command);

        EnergyEndpoints energy = api.energy();
        on(router, HttpMethod.GET, "/api/1/energy_sites/:site/site_info", ENERGY_DATA, energy::siteInfo);
        on(router, HttpMethod.GET, "/api/1/energy_sites/:site/live_status", ENERGY_DATA, energy::liveStatus);
        on(router, HttpMethod.GET, "/api/1/energy_sites/:site/calendar_history", ENERGY_DATA,
                energy::calendarHistory);
        on(router, HttpMethod.POST, "/api/1/energy_sites/:site/:command", ENERGY_CMDS, energy::command);

        router.route().handler(ctx -> send(ctx, sim.errors().notFound()));
        router.route().failureHandler(this::fail);
        return router;
    }

    private void on(Router router, HttpMethod method, String path, Set<String> anyOfScopes,
                    Function<ApiCall, Reply> endpoint) {
        router.route(method, path).handler(ctx -> {
            ApiCall call = new ApiCall(ctx.get(USER), ctx, ctx.get(SCRIPTED) != null);
            send(ctx, call.allows(anyOfScopes) ? endpoint.apply(call) : sim.errors().missingScopes());
        });
    }

    /**
     * Logs the request once, with the status actually sent (just before the headers go out), or
     * with 499 when the client hung up before the answer was ready.
     */
    private void record(RoutingContext ctx) {
        Instant at = sim.clock().instant();
        HttpServerRequest request = ctx.request();
        AtomicBoolean logged = new AtomicBoolean();
        IntConsumer recorder = status -> {
            if (logged.compareAndSet(false, true)) {
                sim.log().add(new RecordedRequest(region, request.method().name(), request.path(),
                        request.query(), headersOf(request), bodyOf(ctx), status, at, ctx.get(SIGNED_COMMAND)));
            }
        };
        ctx.put(RECORDER, recorder);
        ctx.addHeadersEndHandler(ignored -> recorder.accept(ctx.response().getStatusCode()));
        try {
            request.params(); // Vert.x decodes the query while routing; refuse a malformed one here
        } catch (IllegalArgumentException malformed) {
            write(ctx, sim.errors().envelope(400, "invalid_request", "malformed query string"));
            return;
        }
        ctx.next();
    }

    /** Tesla's token endpoint: form-encoded, {@code grant_type=refresh_token}. */
    private void token(RoutingContext ctx) {
        Map<String, String> form = new LinkedHashMap<>();
        ctx.request().formAttributes().forEach(entry -> form.put(entry.getKey(), entry.getValue()));
        String body = form.isEmpty() ? bodyOf(ctx) : "";
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(java.net.URLDecoder.decode(pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        Reply reply = sim.oauth().exchange(form, sim.fleet());
        java.time.Duration delay = sim.oauth().takeAnswerDelay();
        if (delay.isZero()) {
            write(ctx, reply);
        } else {
            ctx.vertx().setTimer(delay.toMillis(), timer -> write(ctx, reply));
        }
    }

    private void authenticate(RoutingContext ctx) {
        Optional<String> token = bearerToken(ctx.request());
        Optional<SimUser> user = token.flatMap(sim.fleet()::userByToken);
        if (user.isEmpty() && token.isPresent()) {
            Optional<SimOAuth.Lookup> issued = sim.oauth().lookUp(token.get());
            if (issued.isPresent() && issued.get().expired()) {
                write(ctx, sim.errors().tokenExpired());
                return;
            }
            user = issued.flatMap(lookup -> sim.fleet().findUser(lookup.userId()));
        }
        if (user.isEmpty()) {
            write(ctx, sim.errors().invalidToken());
        } else if (!user.get().region().equals(region) && !ctx.request().path().equals("/api/1/users/region")) {
            // the region endpoint answers on every regional server: it is how a client finds its own
            write(ctx, sim.errors().outOfRegion(sim.directory().baseUrl(user.get().region())));
        } else {
            ctx.put(USER, user.get());
            ctx.next();
        }
    }

    /** A region in an outage answers everything with its status, before any gate. */
    private void answerOutage(RoutingContext ctx) {
        java.util.OptionalInt status = sim.outages().statusOf(region);
        if (status.isEmpty()) {
            ctx.next();
            return;
        }
        write(ctx, sim.errors().envelope(status.getAsInt(), "Service Unavailable", "regional outage (simulated)"));
    }

    /**
     * Answers from the script when one matches. A 2xx without a body goes on to the endpoint with
     * its gates open; the scripted status and headers are applied when it replies.
     */
    private void answerFromScript(RoutingContext ctx) {
        Optional<ScriptedAnswer> scripted = sim.scripts().take(ctx.request().path());
        if (scripted.isEmpty()) {
            ctx.next();
            return;
        }
        ScriptedAnswer answer = scripted.get();
        Runnable respond = answer.answeredByEndpoint()
                ? () -> {
                    ctx.put(SCRIPTED, answer);
                    ctx.next();
                }
                : () -> write(ctx, scriptedReply(ctx, answer));
        if (answer.latencyMs() > 0) {
            sim.vertx().setTimer(answer.latencyMs(), timer -> respond.run());
        } else {
            respond.run();
        }
    }

    private Reply scriptedReply(RoutingContext ctx, ScriptedAnswer answer) {
        Reply base;
        if (answer.body() == null) {
            SimUser user = ctx.get(USER);
            base = sim.errors().forStatus(answer.status(), sim.directory().baseUrl(user.region()),
                    ctx.request().path(), answer.headers());
        } else if (answer.body().isTextual()) {
            base = Reply.text(answer.status(), answer.body().asText());
        } else {
            base = Reply.json(answer.status(), answer.body().toString());
        }
        return base.withStatus(answer.status()).withHeaders(answer.headers());
    }

    /** Writes an endpoint's reply, with a scripted status and headers applied if a script asked. */
    private void send(RoutingContext ctx, Reply reply) {
        ScriptedAnswer scripted = ctx.get(SCRIPTED);
        write(ctx, scripted == null ? reply : reply.withStatus(scripted.status()).withHeaders(scripted.headers()));
    }

    private void write(RoutingContext ctx, Reply reply) {
        HttpServerResponse response = ctx.response();
        if (response.closed() && !response.ended()) {
            IntConsumer recorder = ctx.get(RECORDER);
            recorder.accept(CLIENT_CLOSED_REQUEST);
            return;
        }
        if (response.ended()) {
            return;
        }
        response.setStatusCode(reply.status());
        if (reply.contentType() != null) {
            response.putHeader("Content-Type", reply.contentType());
        }
        reply.headers().forEach(response::putHeader);
        response.end(reply.body());
    }

    private void fail(RoutingContext ctx) {
        int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
        if (status >= 500) {
            LOG.warn("simulator {} failed on {} {}", region, ctx.request().method(), ctx.request().path(),
                    ctx.failure());
        }
        write(ctx, sim.errors().envelope(status, FleetErrors.errorKey(status),
                ctx.failure() == null ? "" : String.valueOf(ctx.failure())));
    }

    private static Optional<String> bearerToken(HttpServerRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String token = header.substring(7).trim();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    private static Map<String, String> headersOf(HttpServerRequest request) {
        Map<String, String> headers = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (String name : request.headers().names()) {
            if (seen.add(name.toLowerCase(Locale.ROOT))) {
                headers.put(name, String.join(", ", request.headers().getAll(name)));
            }
        }
        return headers;
    }

    private static String bodyOf(RoutingContext ctx) {
        return ctx.body() == null || ctx.body().buffer() == null ? "" : ctx.body().asString();
    }
}
