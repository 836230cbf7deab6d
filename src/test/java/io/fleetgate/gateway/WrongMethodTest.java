package io.fleetgate.gateway;

import static io.fleetgate.gateway.TokenCheckTest.assertError;
import static io.fleetgate.gateway.TokenCheckTest.body;
import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.ops.OpenApiDocument;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.GatewayPerClass;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A method a path does not take is 405 {@code invalid_method} in the error envelope, with
 * {@code Allow} naming the methods it does take, on Fleetgate's own endpoints as on the Fleet API's;
 * nothing is forwarded.
 */
class WrongMethodTest {
    private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    @RegisterExtension
    static final GatewayPerClass GATEWAY = new GatewayPerClass(() -> GatewayHarness.standard());

    @Test
    void everyOwnPathRefusesTheMethodsItsRoutesDoNotTake() {
        Map<String, Set<String>> allowed = new TreeMap<>();
        for (OpenApiDocument.OwnEndpoint own : OpenApiDocument.ownEndpoints(GATEWAY.harness().gateway().context())) {
            allowed.computeIfAbsent(own.path(), path -> new TreeSet<>()).add(own.method());
        }
        assertThat(allowed).containsKeys("/api/ping", "/api/test", "/api/metadata", "/api/usage", "/api/key",
                "/.well-known/appspecific/com.tesla.3p.public-key.pem", "/api/openapi.json",
                "/admin/accounts", "/admin/accounts/{id}", "/admin/accounts/{id}/gateway-tokens",
                "/admin/accounts/{id}/gateway-tokens/{name}", "/admin/accounts/{id}/subscription",
                "/admin/accounts/{id}/credit-budget");
        List<String> refused = new ArrayList<>();
        allowed.forEach((path, methods) -> {
            String concrete = path.replaceAll("\\{[A-Za-z_]+}", "x");
            for (String method : METHODS) {
                HttpResponse<byte[]> answer = GATEWAY.harness().send(method, concrete, GatewayHarness.bearer(GatewayHarness.ADMIN_TOKEN), null);
                if (methods.contains(method)) {
                    // the routes still take their own methods (whatever they answer then: no account x is a 404
                    // of the route's, in JSON, not the server's page)
                    assertThat(answer.statusCode()).as("%s %s", method, concrete).isNotEqualTo(405);
                    assertThat(answer.headers().firstValue("Content-Type").orElse("")).as("%s %s", method, concrete)
                            .doesNotStartWith("text/html");
                    continue;
                }
                assertThat(answer.statusCode()).as("%s %s", method, concrete).isEqualTo(405);
                assertThat(answer.headers().firstValue("Allow")).as("%s %s", method, concrete)
                        .hasValue(String.join(", ", methods));
                if (!method.equals("HEAD")) {
                    assertError(answer, 405, "invalid_method");
                    assertThat(body(answer)).contains(method + " is not allowed on " + concrete);
                }
                refused.add(method + " " + concrete);
            }
        });
        assertThat(refused).contains("POST /api/ping", "DELETE /api/usage", "PUT /api/key", "POST /api/openapi.json",
                "POST /.well-known/appspecific/com.tesla.3p.public-key.pem", "DELETE /admin/accounts",
                "GET /admin/accounts/x/credit-budget", "HEAD /api/ping", "OPTIONS /admin/accounts");
        assertThat(GATEWAY.harness().simulator().requests()).isEmpty();
    }

    @Test
    void accountEndpointsAnswerAWrongMethodWithTheirAllowedOnes() {
        HttpResponse<byte[]> answer = GATEWAY.harness().post("/api/test", ALICE.gatewayToken(), "{}");
        assertError(answer, 405, "invalid_method");
        assertThat(answer.headers().firstValue("Allow")).hasValue("GET");
        // the connection that carried the unread body still serves the next request
        assertThat(GATEWAY.harness().get("/api/test", ALICE.gatewayToken()).statusCode()).isEqualTo(200);
        assertThat(GATEWAY.harness().get("/api/ping", null).statusCode()).isEqualTo(200);
    }

    @Test
    void adminPathsAnswerAWrongMethodBeforeAskingForTheAdminToken() {
        for (String token : new String[] {null, "wrong-admin-token"}) {
            HttpResponse<byte[]> answer = GATEWAY.harness().send("PATCH", "/admin/accounts/alice/credit-budget",
                    token == null ? Map.of() : GatewayHarness.bearer(token), "{}".getBytes(StandardCharsets.UTF_8));
            assertError(answer, 405, "invalid_method");
            assertThat(answer.headers().firstValue("Allow")).hasValue("DELETE, PUT");
        }
        // a method the path takes still needs the token
        assertError(GATEWAY.harness().send("GET", "/admin/accounts", Map.of(), null), 401, "missing_token");
    }

    @Test
    void headAndOptionsAreWrongMethodsUnlessARouteTakesThem() {
        HttpResponse<byte[]> head = GATEWAY.harness().send("HEAD", "/api/openapi.json", Map.of(), null);
        assertThat(head.statusCode()).isEqualTo(405);
        assertThat(head.headers().firstValue("Allow")).hasValue("GET");
        assertThat(head.body()).isEmpty();
        HttpResponse<byte[]> options = GATEWAY.harness().send("OPTIONS", "/admin/accounts", Map.of(), null);
        assertError(options, 405, "invalid_method");
        assertThat(options.headers().firstValue("Allow")).hasValue("GET, POST");
    }

    @Test
    void fleetApiPathsNameTheirAllowedMethodsToo() {
        HttpResponse<byte[]> answer = GATEWAY.harness().send("DELETE", "/api/1/vehicles/" + NA_VIN + "/vehicle_data",
                GatewayHarness.bearer(ALICE.gatewayToken()), null);
        assertError(answer, 405, "invalid_method");
        assertThat(answer.headers().firstValue("Allow")).hasValue("GET");
        assertThat(GATEWAY.harness().simulator().requests()).isEmpty();
    }
}
