package io.fleetgate.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.sim.ScriptRequestParser.BadControlInput;
import io.fleetgate.vcp.crypto.P256;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.security.InvalidKeyException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control API on its own port: inspect and change vehicles, queue scripted answers, read or
 * clear the request log, reset. Always JSON; bad input is a 400 with {@code error} and
 * {@code error_description}.
 */
final class ControlApi {

    private static final Logger LOG = LoggerFactory.getLogger(ControlApi.class);

    private final SimServices sim;
    private final Runnable reset;
    private final ScriptRequestParser scriptParser;

    ControlApi(SimServices sim, Runnable reset) {
        this.sim = sim;
        this.reset = reset;
        this.scriptParser = new ScriptRequestParser(sim.fleet());
    }

    Router build() {
        Router router = Router.router(sim.vertx());
        router.route().handler(BodyHandler.create(false).setBodyLimit(1 << 20));
        router.get("/sim/vehicles").handler(ctx -> ok(ctx, vehicles()));
        router.post("/sim/vehicles/:vin/sleep").handler(ctx -> changeVehicle(ctx, sim.fleet()::putToSleep));
        router.post("/sim/vehicles/:vin/offline").handler(ctx -> changeVehicle(ctx, sim.fleet()::takeOffline));
        router.post("/sim/vehicles/:vin/online").handler(ctx -> changeVehicle(ctx, sim.fleet()::bringOnline));
        router.post("/sim/vehicles/:vin/wake-delay").handler(this::setWakeDelay);
        router.post("/sim/vehicles/:vin/drive").handler(ctx -> moveVehicle(ctx, sim.telemetry()::drive));
        router.post("/sim/vehicles/:vin/park").handler(ctx -> moveVehicle(ctx, sim.telemetry()::park));
        router.post("/sim/vehicles/:vin/charge").handler(ctx -> moveVehicle(ctx, sim.telemetry()::charge));
        router.post("/sim/vehicles/:vin/alerts").handler(this::emitAlert);
        router.post("/sim/vehicles/:vin/errors").handler(this::emitError);
        router.post("/sim/vehicles/:vin/keys").handler(this::pairKey);
        router.post("/sim/vehicles/:vin/faults").handler(this::scriptFaults);
        router.post("/sim/vehicles/:vin/restart-sessions").handler(ctx -> changeVehicle(ctx, vin -> {
            sim.verifiers().restartSessions(vin);
            return sim.fleet().vehicle(vin);
        }));
        router.delete("/sim/vehicles/:vin/keys/:key").handler(this::unpairKey);
        router.post("/sim/keys").handler(this::pairKeyWithAll);
        router.post("/sim/script").handler(this::script);
        router.get("/sim/requests").handler(this::requests);
        router.get("/sim/vehicles/:vin/telemetry-config").handler(this::telemetryConfig);
        router.delete("/sim/requests").handler(ctx -> {
            sim.log().clear();
            ok(ctx, sim.json().createObjectNode().put("cleared", true));
        });
        router.post("/sim/oauth/users").handler(this::addOAuthUser);
        router.post("/sim/oauth/users/:user/refresh-tokens").handler(ctx -> ok(ctx, grant(user(ctx))));
        router.post("/sim/oauth/users/:user/expire-access-tokens").handler(ctx -> {
            sim.oauth().expireAccessTokens(user(ctx).id());
            ok(ctx, sim.json().createObjectNode().put("expired", true));
        });
        router.post("/sim/oauth/users/:user/revoke-refresh-tokens").handler(ctx -> {
            sim.oauth().revokeRefreshTokens(user(ctx).id());
            ok(ctx, sim.json().createObjectNode().put("revoked", true));
        });
        router.post("/sim/oauth/access-token-lifetime").handler(this::setAccessTokenLifetime);
        router.post("/sim/oauth/failures").handler(this::scriptTokenFailures);
        router.post("/sim/oauth/delays").handler(this::delayTokenAnswers);
        router.get("/sim/oauth/refresh-tokens").handler(this::refreshTokens);
        router.post("/sim/regions/:region/outage").handler(this::failRegion);
        router.delete("/sim/regions/:region/outage").handler(ctx -> {
            sim.outages().restore(region(ctx));
            ok(ctx, sim.json().createObjectNode().put("region", region(ctx)).putNull("outage"));
        });
        router.post("/sim/reset").handler(ctx -> {
            reset.run();
            ok(ctx, sim.json().createObjectNode().put("reset", true));
        });
        router.route().handler(ctx -> error(ctx, 404, "not_found", "no control endpoint "
                + ctx.request().method() + " " + ctx.request().path()));
        router.route().failureHandler(this::fail);
        return router;
    }

    /** Body {@code {"status": 503}}: the region answers everything with it until the outage is deleted. */
    private void failRegion(RoutingContext ctx) {
        JsonNode status = jsonBody(ctx).path("status");
        if (!status.isIntegralNumber()) {
            throw new BadControlInput("body must be {\"status\": <5xx>}");
        }
        sim.outages().fail(region(ctx), status.asInt());
        ok(ctx, sim.json().createObjectNode().put("region", region(ctx)).put("outage", status.asInt()));
    }

    private static String region(RoutingContext ctx) {
        String region = ctx.pathParam("region");
        if (!SimulatedFleet.REGIONS.contains(region)) {
            throw new BadControlInput("region must be na, eu or cn");
        }
        return region;
    }

    /** Body {@code {"id": "dora", "region": "eu"}}: a new Tesla user, signed in; answers their refresh token. */
    private void addOAuthUser(RoutingContext ctx) {
        JsonNode body = jsonBody(ctx);
        String id = body.path("id").asText("");
        String region = body.path("region").asText("");
        if (id.isBlank() || !SimulatedFleet.REGIONS.contains(region)) {
            throw new BadControlInput("body must be {\"id\": \"<user id>\", \"region\": \"na\"|\"eu\"|\"cn\"}");
        }
        SimUser user = SimUser.of(id, region, "static-" + java.util.UUID.randomUUID());
        sim.fleet().addUser(user);
        ok(ctx, grant(user));
    }

    private ObjectNode grant(SimUser user) {
        return sim.json().createObjectNode().put("user", user.id()).put("region", user.region())
                .put("refresh_token", sim.oauth().grant(user));
    }

    private SimUser user(RoutingContext ctx) {
        String id = ctx.pathParam("user");
        return sim.fleet().findUser(id).orElseThrow(() -> new BadControlInput("unknown user: " + id));
    }

    /** Body {@code {"seconds": n}}: access tokens issued from now on live n seconds. */
    private void setAccessTokenLifetime(RoutingContext ctx) {
        JsonNode seconds = jsonBody(ctx).path("seconds");
        if (!seconds.isIntegralNumber() || seconds.asLong() < 1) {
            throw new BadControlInput("body must be {\"seconds\": <positive integer>}");
        }
        sim.oauth().setAccessTokenLifetime(java.time.Duration.ofSeconds(seconds.asLong()));
        ok(ctx, sim.json().createObjectNode().put("seconds", seconds.asLong()));
    }

    /** Body {@code {"millis": 2000, "count": 1}}: the next token requests are answered that much later. */
    private void delayTokenAnswers(RoutingContext ctx) {
        JsonNode body = jsonBody(ctx);
        int millis = body.path("millis").asInt(0);
        int count = body.path("count").asInt(0);
        if (millis < 1 || millis > 60_000 || count < 1 || count > 100) {
            throw new BadControlInput("body must be {\"millis\": 1..60000, \"count\": 1..100}");
        }
        sim.oauth().delayNext(count, java.time.Duration.ofMillis(millis));
        ok(ctx, sim.json().createObjectNode().put("millis", millis).put("count", count));
    }

    /** Body {@code {"status": 503, "count": 2}}: the next token requests fail so. */
    private void scriptTokenFailures(RoutingContext ctx) {
        JsonNode body = jsonBody(ctx);
        int status = body.path("status").asInt(0);
        int count = body.path("count").asInt(0);
        if (status < 400 || status > 599 || count < 1 || count > 100) {
            throw new BadControlInput("body must be {\"status\": 400..599, \"count\": 1..100}");
        }
        sim.oauth().failNext(count, status);
        ok(ctx, sim.json().createObjectNode().put("status", status).put("count", count));
    }

    /** Every refresh token the token endpoint knows, with how often it was presented. */
    private void refreshTokens(RoutingContext ctx) {
        ArrayNode list = sim.json().createArrayNode();
        for (SimOAuth.RefreshGrant grant : sim.oauth().refreshGrants()) {
            list.addObject().put("refresh_token", grant.token()).put("user", grant.userId())
                    .put("presented", grant.presented()).put("spent", grant.spent()).put("revoked", grant.revoked());
        }
        ok(ctx, list);
    }

    private ArrayNode vehicles() {
        ArrayNode list = sim.json().createArrayNode();
        sim.fleet().vehicles().forEach(v -> list.add(summary(v)));
        return list;
    }

    private ObjectNode summary(SimVehicle v) {
        String region = sim.fleet().findUser(v.ownerId()).map(SimUser::region).orElse(null);
        return sim.json().createObjectNode()
                .put("vin", v.vin())
                .put("id", v.id())
                .put("display_name", v.displayName())
                .put("owner", v.ownerId())
                .put("region", region)
                .put("state", v.state().wire())
                .put("requires_signing", v.requiresSigning())
                .put("protocol_supported", v.protocolSupported())
                .put("key_paired", v.keyPaired())
                .put("wake_delay_seconds", v.wakeDelaySeconds())
                .put("wake_pending", v.wakePending())
                .put("firmware_version", v.firmwareVersion())
                .put("activity", sim.telemetry().activity(v.vin()))
                .set("paired_keys", keyList(v));
    }

    private ArrayNode keyList(SimVehicle v) {
        ArrayNode keys = sim.json().createArrayNode();
        v.pairedKeys().forEach(keys::add);
        return keys;
    }

    /** Body {@code {"public_key": "<hex of the 65-byte uncompressed point>"}}. */
    private void pairKey(RoutingContext ctx) {
        byte[] key = publicKey(jsonBody(ctx).path("public_key").asText(""));
        changeVehicle(ctx, vin -> sim.fleet().pairKey(vin, key));
    }

    private void unpairKey(RoutingContext ctx) {
        byte[] key = publicKey(ctx.pathParam("key"));
        changeVehicle(ctx, vin -> sim.fleet().unpairKey(vin, key));
    }

    /** Same body as {@link #pairKey}; pairs the key with every vehicle of every user. */
    private void pairKeyWithAll(RoutingContext ctx) {
        byte[] key = publicKey(jsonBody(ctx).path("public_key").asText(""));
        ArrayNode list = sim.json().createArrayNode();
        sim.fleet().pairKeyWithAll(key).forEach(v -> list.add(summary(v)));
        ok(ctx, list);
    }

    private static byte[] publicKey(String hex) {
        byte[] key;
        try {
            key = HexFormat.of().parseHex(hex.trim());
        } catch (IllegalArgumentException notHex) {
            key = new byte[0];
        }
        try {
            P256.decode(key);
        } catch (InvalidKeyException e) {
            throw new BadControlInput("public_key must be the hex of a 65-byte uncompressed P-256 point (04...): "
                    + e.getMessage());
        }
        return key;
    }

    private void changeVehicle(RoutingContext ctx, Function<String, SimVehicle> change) {
        String vin = ctx.pathParam("vin");
        if (sim.fleet().findVehicle(vin).isEmpty()) {
            error(ctx, 404, "not_found", "unknown vin: " + vin);
            return;
        }
        ok(ctx, summary(change.apply(vin)));
    }

    /**
     * Body {@code {"fault": "busy"|"timeout"|"internal"|"insufficient_privileges"|"remote_access_disabled", "count": n}}:
     * the next n signed commands are refused with that fault.
     */
    private void scriptFaults(RoutingContext ctx) {
        JsonNode body = jsonBody(ctx);
        JsonNode count = body.path("count");
        if (!count.isIntegralNumber() || count.asInt() < 1 || count.asInt() > 100) {
            throw new BadControlInput("body must be {\"fault\": \"busy\"|\"timeout\"|\"internal\"|\"insufficient_privileges\"|\"remote_access_disabled\", \"count\": 1..100}");
        }
        io.fleetgate.vcp.proto.UniversalMessage.MessageFault_E fault;
        try {
            fault = FleetApiSimulator.faultNamed(body.path("fault").asText(""));
        } catch (IllegalArgumentException e) {
            throw new BadControlInput(e.getMessage());
        }
        changeVehicle(ctx, vin -> {
            sim.verifiers().scriptFaults(vin, fault, count.asInt());
            return sim.fleet().vehicle(vin);
        });
    }

    /** Drive, park or charge: what the vehicle's telemetry reports from now on. */
    private void moveVehicle(RoutingContext ctx, java.util.function.Consumer<String> move) {
        changeVehicle(ctx, vin -> {
            move.accept(vin);
            return sim.fleet().vehicle(vin);
        });
    }

    /**
     * Body {@code {"name": "Custom_BrakeFluidLow", "audiences": ["Customer"], "ended": false}}:
     * the vehicle sends that alert now (409 unless the simulator streams telemetry).
     */
    private void emitAlert(RoutingContext ctx) {
        JsonNode body = jsonBody(ctx);
        String name = body.path("name").asText("");
        java.util.List<String> audiences = new java.util.ArrayList<>();
        body.path("audiences").forEach(a -> audiences.add(a.asText()));
        if (audiences.isEmpty()) {
            audiences.add("Customer");
        }
        if (name.isBlank() || !audiences.stream().allMatch(java.util.Set.of("Customer", "Service", "ServiceFix")::contains)) {
            throw new BadControlInput("body must be {\"name\": \"<alert>\", \"audiences\": [\"Customer\"|\"Service\"|\"ServiceFix\"],"
                    + " \"ended\": false}");
        }
        withEmitter(ctx, emitter -> emitter.alert(ctx.pathParam("vin"), name, audiences, body.path("ended").asBoolean(false)));
    }

    /** Body {@code {"name": "missing_field", "body": "...", "tags": {"field_name": "Soc"}}}: the vehicle reports that error now. */
    private void emitError(RoutingContext ctx) {
        JsonNode body = jsonBody(ctx);
        String name = body.path("name").asText("");
        if (name.isBlank() || !body.path("tags").isMissingNode() && !body.path("tags").isObject()) {
            throw new BadControlInput("body must be {\"name\": \"<error>\", \"body\": \"<text>\", \"tags\": {\"<tag>\": \"<value>\"}}");
        }
        java.util.Map<String, String> tags = new java.util.TreeMap<>();
        body.path("tags").fields().forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
        withEmitter(ctx, emitter -> emitter.error(ctx.pathParam("vin"), name, body.path("body").asText(""), tags));
    }

    private void withEmitter(RoutingContext ctx, java.util.function.Consumer<TelemetryEmitter> emit) {
        String vin = ctx.pathParam("vin");
        if (sim.fleet().findVehicle(vin).isEmpty()) {
            error(ctx, 404, "not_found", "unknown vin: " + vin);
            return;
        }
        java.util.Optional<TelemetryEmitter> emitter = sim.telemetry().emitter();
        if (emitter.isEmpty()) {
            error(ctx, 409, "telemetry_not_streaming", "the simulator does not stream telemetry (demo mode does)");
            return;
        }
        emit.accept(emitter.get());
        ok(ctx, summary(sim.fleet().vehicle(vin)));
    }

    /** Body {@code {"seconds": n}}; negative means the vehicle never wakes. */
    private void setWakeDelay(RoutingContext ctx) {
        JsonNode seconds = jsonBody(ctx).path("seconds");
        if (!seconds.isIntegralNumber() || !seconds.canConvertToInt()) {
            throw new BadControlInput("body must be {\"seconds\": <integer>} (negative: never wakes)");
        }
        changeVehicle(ctx, vin -> sim.fleet().setWakeDelay(vin, seconds.asInt()));
    }

    private void script(RoutingContext ctx) {
        ScriptRequestParser.ScriptRequest request = scriptParser.parse(jsonBody(ctx));
        int pending = sim.scripts().enqueue(request.target(), request.pathSuffix(), request.answers());
        ObjectNode body = sim.json().createObjectNode()
                .put("target", request.target().label())
                .put("path", request.pathSuffix())
                .put("queued", request.answers().size())
                .put("pending", pending);
        ok(ctx, body);
    }

    /** {@code GET /sim/requests?vin=}: the regional request log, optionally only paths naming the VIN. */
    private void requests(RoutingContext ctx) {
        Optional<String> vin = Optional.ofNullable(ctx.queryParams().get("vin")).filter(v -> !v.isBlank());
        List<RecordedRequest> entries = vin.map(sim.log()::mentioning).orElseGet(sim.log()::all);
        ArrayNode list = sim.json().createArrayNode();
        for (RecordedRequest r : entries) {
            ObjectNode entry = list.addObject()
                    .put("method", r.method())
                    .put("path", r.path())
                    .put("query", r.query())
                    .put("status", r.status())
                    .put("at", r.at().toString())
                    .put("region", r.region())
                    .put("command", r.command());
            // what the vehicle decoded from a signed command it executed, parameters included
            entry.set("action", r.executed() == null ? null : r.executed().toJson());
        }
        ok(ctx, list);
    }

    /**
     * {@code GET /sim/vehicles/{vin}/telemetry-config}: the fleet-telemetry config the vehicle holds,
     * {@code {vin, config|null, synced, received_at}}.
     */
    private void telemetryConfig(RoutingContext ctx) {
        String vin = ctx.pathParam("vin");
        if (sim.fleet().findVehicle(vin).isEmpty()) {
            error(ctx, 404, "not_found", "unknown vin: " + vin);
            return;
        }
        ObjectNode body = sim.json().createObjectNode().put("vin", vin);
        sim.fleet().telemetryConfigs().held(vin).ifPresentOrElse(held -> {
            body.set("config", held.config());
            body.put("synced", held.synced()).put("received_at", held.receivedAt().toString());
        }, () -> body.putNull("config").putNull("synced").putNull("received_at"));
        ok(ctx, body);
    }

    private JsonNode jsonBody(RoutingContext ctx) {
        String text = ctx.body() == null ? null : ctx.body().asString();
        if (text == null || text.isBlank()) {
            throw new BadControlInput("a JSON body is required");
        }
        try {
            return sim.json().readTree(text);
        } catch (JsonProcessingException malformed) {
            throw new BadControlInput("body is not valid JSON: " + malformed.getOriginalMessage());
        }
    }

    private void ok(RoutingContext ctx, JsonNode body) {
        send(ctx, 200, body);
    }

    private void error(RoutingContext ctx, int status, String error, String description) {
        send(ctx, status, sim.json().createObjectNode().put("error", error).put("error_description", description));
    }

    private void send(RoutingContext ctx, int status, JsonNode body) {
        HttpServerResponse response = ctx.response();
        if (!response.ended() && !response.closed()) {
            response.setStatusCode(status).putHeader("Content-Type", Reply.JSON).end(body.toString());
        }
    }

    private void fail(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure instanceof BadControlInput || failure instanceof IllegalArgumentException) {
            error(ctx, 400, "bad_request", failure.getMessage());
        } else if (ctx.statusCode() > 0 && ctx.statusCode() < 500) {
            error(ctx, ctx.statusCode(), "bad_request", "request refused with HTTP " + ctx.statusCode());
        } else {
            LOG.warn("control API failed on {} {}", ctx.request().method(), ctx.request().path(), failure);
            error(ctx, 500, "internal_error", String.valueOf(failure));
        }
    }
}
