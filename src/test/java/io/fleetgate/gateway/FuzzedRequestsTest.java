package io.fleetgate.gateway;

import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.BERND;
import static io.fleetgate.testing.TestFleet.CHEN;
import static io.fleetgate.testing.TestFleet.EU_VIN;
import static io.fleetgate.testing.TestFleet.NA_SITE;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static io.fleetgate.testing.TestFleet.NA_VIN_ASLEEP;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.gateway.FuzzedRequests.Caller;
import io.fleetgate.gateway.FuzzedRequests.FuzzedRequest;
import io.fleetgate.sim.RecordedRequest;
import io.fleetgate.testing.AdminApi;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.GatewayPerClass;
import io.fleetgate.testing.RawHttp;
import io.fleetgate.testing.TestAccount;
import io.fleetgate.vcp.Domain;
import io.fleetgate.vcp.crypto.EcKeyPair;
import io.fleetgate.vcp.session.VcpClient;
import io.vertx.core.http.impl.HttpUtils;
import java.io.IOException;
import java.net.URI;
import java.security.InvalidKeyException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Property-based fuzzing of the ingress against one real Fleetgate in front of the simulator:
 * a few hundred generated requests (paths, methods, headers, queries, bodies, tokens; see
 * {@link FuzzedRequests}) each of which must get an answer that
 * <ul>
 *   <li>comes at all, within 20 s, and is not a 5xx (nothing here makes the simulator answer 5xx),</li>
 *   <li>shows no stack trace, and is the Fleet API error envelope in JSON when it is an error,</li>
 *   <li>carries {@code x-region} on every {@code /api/1/} path,</li>
 *   <li>when it is one of Fleetgate's own refusals, left the simulator's request log as it was,</li>
 *   <li>and no energy-site or signed command Fleetgate let through was refused by Tesla as invalid;</li>
 * </ul>
 * and after the run Fleetgate still serves {@code GET /api/1/vehicles}.
 *
 * <p>The seed is random per run and printed with every failure; {@code -Dfleetgate.fuzz.seed=<seed>}
 * repeats a run's requests exactly, {@code -Dfleetgate.fuzz.tries=<n>} changes its length (default
 * 500 mixed requests and 250 command requests).
 */
class FuzzedRequestsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = Long.parseLong(System.getProperty("fleetgate.fuzz.seed",
            Long.toString(ThreadLocalRandom.current().nextLong())));
    private static final int TRIES = Integer.getInteger("fleetgate.fuzz.tries", 500);
    private static final int MAX_REPORTED = 15;
    private static final Set<String> ENVELOPE = Set.of("response", "error", "error_description");
    private static final Pattern ENERGY_COMMAND = Pattern.compile(
            "/api/1/energy_sites/[^/]+/(backup|operation|storm_mode|grid_import_export|off_grid_vehicle_charging_reserve|time_of_use_settings)");
    private static final Pattern VIN_OR_SITE = Pattern.compile("(?<=/)([A-HJ-NPR-Z0-9]{17}|[0-9]{6,})(?=/|$)");
    private static final List<String> STACK_TRACE_MARKS = List.of("Exception", "at io.fleetgate", "\tat ", "java.lang");

    private static final TestAccount LIMITED = new TestAccount("limited", "na", ALICE.teslaToken(), "gw-fuzz-limited",
            List.of("user_data"), List.of(NA_VIN), List.of(NA_SITE), null);
    private static final TestAccount LAPSED = new TestAccount("lapsed", "na", ALICE.teslaToken(), "gw-fuzz-lapsed",
            TestAccount.ALL_SCOPES, List.of(NA_VIN), List.of(NA_SITE), "2020-01-01T00:00:00Z");

    @RegisterExtension
    static final GatewayPerClass GATEWAY = new GatewayPerClass(() -> GatewayHarness.builder()
            .accounts(ALICE, BERND, CHEN, LIMITED, LAPSED)
            // a fleet key and a fleet-telemetry server, so that streaming configs can be written
            .setting("fleetgate.vcp.private-key-file", tempKeyFile())
            .setting("fleetgate.vcp.generate-key", "true")
            .setting("fleetgate.telemetry.server.hostname", "telemetry.fuzz.example.org")
            .start());

    private static String tempKeyFile() {
        try {
            return java.nio.file.Files.createTempDirectory("fleetgate-fuzz").resolve("key.pem").toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<Caller> callers;
    private static List<String> validSignedBodies;

    @BeforeAll
    static void callersAndSignedMessages() {
        AdminApi admin = new AdminApi(GATEWAY.harness());
        String revoked = admin.issueToken("alice", "fuzz-revoked");
        AdminApi.expect(200, admin.send("DELETE", "/admin/accounts/alice/gateway-tokens/fuzz-revoked", null));
        callers = List.of(
                new Caller("alice", ALICE.gatewayToken(), List.of(NA_VIN, NA_VIN_ASLEEP), List.of(NA_SITE)),
                new Caller("bernd", BERND.gatewayToken(), List.of(EU_VIN), List.of()),
                new Caller("limited-scopes", LIMITED.gatewayToken(), List.of(NA_VIN), List.of(NA_SITE)),
                new Caller("lapsed-subscription", LAPSED.gatewayToken(), List.of(NA_VIN), List.of(NA_SITE)),
                new Caller("revoked", revoked, List.of(NA_VIN), List.of(NA_SITE)),
                new Caller("garbage-short", "x", List.of(NA_VIN), List.of(NA_SITE)),
                new Caller("garbage-unicode", "tök€n-🚗", List.of(NA_VIN), List.of(NA_SITE)),
                new Caller("garbage-long", "g".repeat(6000), List.of(NA_VIN), List.of(NA_SITE)),
                new Caller("garbage-jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln", List.of(NA_VIN), List.of(NA_SITE)),
                new Caller("no-token", null, List.of(NA_VIN), List.of(NA_SITE)));
        VcpClient caller;
        try {
            // a fixed key and the run's seed: the same seed sends the same messages
            caller = new VcpClient(EcKeyPair.fromScalarHex("5a".repeat(32)), "fuzz.example.org", Clock.systemUTC(),
                    new SplittableRandom(SEED));
        } catch (InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
        validSignedBodies = List.of(caller.sessionRequest(NA_VIN, Domain.INFOTAINMENT).body(),
                caller.sessionRequest(NA_VIN, Domain.VCSEC).body(), caller.sessionRequest(EU_VIN, Domain.INFOTAINMENT).body());
        System.out.println("fuzz seed " + SEED + " (repeat with -Dfleetgate.fuzz.seed=" + SEED + "), " + TRIES + " tries");
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void anyRequestGetsAWellFormedAnswerAndNothingRefusedReachesTesla() {
        FuzzedRequests generate = generator(1);
        run("any", TRIES, generate::any);
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void commandsWithFuzzedBodiesAreCheckedBeforeAnythingIsSent() {
        FuzzedRequests generate = generator(2);
        run("command", TRIES / 2, generate::command);
    }

    /** Callers weighed (in the order of {@code callers}) for mixed requests, and for commands (mostly valid tokens). */
    private static FuzzedRequests generator(long stream) {
        return new FuzzedRequests(SEED + stream, callers, List.of(30, 8, 5, 5, 5, 3, 3, 2, 3, 10),
                List.of(75, 10, 4, 4, 3, 1, 1, 0, 1, 1), validSignedBodies);
    }

    private static void run(String property, int tries, Supplier<FuzzedRequest> next) {
        GatewayHarness harness = GATEWAY.harness();
        RawHttp http = new RawHttp(URI.create(harness.url("/")).getPort(), Duration.ofSeconds(20));
        List<String> violations = new ArrayList<>();
        Map<String, Integer> outcomes = new TreeMap<>();
        Map<String, Integer> refusedUpstream = new TreeMap<>();
        int forwarded = 0;
        RawHttp.Response slowest = null;
        FuzzedRequest slowestRequest = null;
        long started = System.nanoTime();
        for (int attempt = 1; attempt <= tries && violations.size() < MAX_REPORTED; attempt++) {
            FuzzedRequest request = next.get();
            int logBefore = harness.simulator().requests().size();
            RawHttp.Response response = http.send(request.method(), request.target(), request.headers(), request.body(),
                    request.chunked());
            List<RecordedRequest> log = harness.simulator().requests();
            List<RecordedRequest> reached = log.subList(Math.min(logBefore, log.size()), log.size());
            forwarded += reached.isEmpty() ? 0 : 1;
            if (slowest == null || response.took().compareTo(slowest.took()) > 0) {
                slowest = response;
                slowestRequest = request;
            }
            reached.stream().filter(r -> r.status() >= 400)
                    .forEach(r -> refusedUpstream.merge(r.status() + " " + r.method() + " " + VIN_OR_SITE.matcher(r.path()).replaceAll("{id}"),
                            1, Integer::sum));
            outcomes.merge(outcome(response), 1, Integer::sum);
            for (String problem : problems(request, response, reached)) {
                violations.add("try " + attempt + " of '" + property + "' (seed " + SEED + "): " + problem + "\n  "
                        + request.describe() + "\n  answer " + response.status() + " " + response.headers()
                        + " " + FuzzedRequests.abbreviate(response.bodyText(), 500));
            }
        }
        System.out.printf("fuzz '%s': %d tries in %d ms, %d reached the simulator; outcomes %s; refused upstream %s; "
                        + "slowest %d ms: %s %s%n", property, tries, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                forwarded, outcomes, refusedUpstream, slowest == null ? 0 : slowest.took().toMillis(),
                slowestRequest == null ? "" : slowestRequest.method(),
                slowestRequest == null ? "" : FuzzedRequests.abbreviate(slowestRequest.target(), 120));
        assertThat(violations).as("seed %d: repeat with -Dfleetgate.fuzz.seed=%d", SEED, SEED).isEmpty();
        // and the process still serves the Fleet API as usual
        assertThat(harness.get("/api/1/vehicles", ALICE.gatewayToken()).statusCode()).isEqualTo(200);
    }

    /** What is wrong with this answer to this request, if anything. */
    private static List<String> problems(FuzzedRequest request, RawHttp.Response response, List<RecordedRequest> reached) {
        List<String> problems = new ArrayList<>();
        if (response.timedOut()) {
            problems.add("no complete answer within 20 s");
        }
        if (response.status() < 0) {
            problems.add("no answer: " + response.problem());
            return problems;
        }
        if (response.status() >= 500) {
            problems.add("a " + response.status() + " from Fleetgate");
        }
        String text = response.bodyText() + " " + response.headers();
        STACK_TRACE_MARKS.stream().filter(text::contains).forEach(mark -> problems.add("a stack trace mark: " + mark));
        boolean fleetApiPath = request.target().startsWith("/api/1/") || request.target().equals("/api/1");
        if (fleetApiPath && response.header("x-region").isEmpty()) {
            problems.add("no x-region header");
        }
        JsonNode body = json(response.body());
        boolean error = response.status() >= 400 && !request.method().equalsIgnoreCase("HEAD");
        if (error) {
            if (!response.header("content-type").orElse("").startsWith("application/json")) {
                problems.add("an error answer whose Content-Type is " + response.header("content-type").orElse("(none)"));
            }
            if (body == null || !body.isObject() || !body.has("response") || !body.path("error").isTextual()
                    || !body.has("error_description")) {
                problems.add("an error answer outside the envelope");
            }
        }
        boolean ownRefusal = error && body != null && body.isObject() && body.path("response").isNull()
                && iterable(body.fieldNames()).equals(ENVELOPE);
        if (ownRefusal && !reached.isEmpty() && !answeredFromTesla(request, response)) {
            problems.add("refused by Fleetgate (" + body.path("error").asText() + "), yet the simulator got "
                    + reached.stream().map(r -> r.method() + " " + r.path() + " -> " + r.status()).toList());
        }
        for (RecordedRequest sent : reached) {
            boolean checked = ENERGY_COMMAND.matcher(sent.path()).matches() || sent.path().endsWith("/signed_command");
            if (checked && sent.status() == 400) {
                problems.add("Fleetgate let through a body Tesla refused: " + sent.method() + " " + sent.path() + " "
                        + FuzzedRequests.abbreviate(sent.body(), 200));
            }
        }
        return problems;
    }

    /**
     * An answer in Fleetgate's envelope that Fleetgate gave after asking Tesla: the 404 of
     * {@code GET /api/config/{vin}} when Tesla said the vehicle has no streaming config. The path as
     * the server's router sees it: {@code //api/config/...} is that endpoint too.
     */
    private static boolean answeredFromTesla(FuzzedRequest request, RawHttp.Response response) {
        String path = request.target().split("[?#]", 2)[0];
        return request.method().equals("GET") && HttpUtils.normalizePath(path).startsWith("/api/config/") && response.status() == 404;
    }

    private static String outcome(RawHttp.Response response) {
        if (response.status() < 0) {
            return "no answer";
        }
        JsonNode body = json(response.body());
        String key = body != null && body.path("error").isTextual() ? " " + body.path("error").asText() : "";
        return response.status() + key;
    }

    private static JsonNode json(byte[] body) {
        try {
            return body.length == 0 ? null : JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static Set<String> iterable(Iterator<String> names) {
        Set<String> set = new HashSet<>();
        names.forEachRemaining(set::add);
        return set;
    }
}
