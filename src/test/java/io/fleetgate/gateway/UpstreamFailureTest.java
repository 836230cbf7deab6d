package io.fleetgate.gateway;

import static io.fleetgate.gateway.TokenCheckTest.assertError;
import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.CHEN;
import static io.fleetgate.testing.TestFleet.CN_VIN;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.SimControl;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An upstream that is slow or gone: 504 and 502 in the envelope, and a single attempt. */
class UpstreamFailureTest {
    private static GatewayHarness harness;

    @BeforeAll
    static void start() {
        // the CN region points at port 1, where nothing listens (a free port could be taken meanwhile); answers are awaited 800 ms at most
        harness = GatewayHarness.builder().accounts(ALICE, CHEN)
                .setting("fleetgate.regions.cn.base-url", "http://127.0.0.1:1")
                .setting("fleetgate.upstream.response-timeout-ms", "800")
                .start();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void upstreamTimeoutIs504UpstreamTimeout() {
        new SimControl(harness.simulator()).script("""
                {"vin":"%s","path":"/vehicle_data","responses":[{"status":200,"latency_ms":3000}]}
                """.formatted(NA_VIN));
        long started = System.nanoTime();
        HttpResponse<byte[]> response = harness.get("/api/1/vehicles/" + NA_VIN + "/vehicle_data", ALICE.gatewayToken());
        assertError(response, 504, "upstream_timeout");
        assertThat((System.nanoTime() - started) / 1_000_000).as("answered after the 800 ms timeout, not the 3 s latency")
                .isLessThan(2_800);
    }

    @Test
    void connectionRefusedIs502UpstreamUnavailable() {
        HttpResponse<byte[]> response = harness.get("/api/1/vehicles/" + CN_VIN, CHEN.gatewayToken());
        assertError(response, 502, "upstream_unavailable");
        assertThat(response.headers().firstValue("x-region")).contains("cn");
    }

    @Test
    void theClientDoesNotRetryA503OnItsOwn() {
        harness.simulator().clearRequests();
        new SimControl(harness.simulator()).script("""
                {"vin":"%s","path":"/recent_alerts","responses":[{"status":503,"headers":{"Retry-After":"1"}},{"status":200}]}
                """.formatted(NA_VIN));
        HttpResponse<byte[]> response = harness.get("/api/1/vehicles/" + NA_VIN + "/recent_alerts", ALICE.gatewayToken());
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).contains("1");
        assertThat(harness.simulator().requests(NA_VIN)).hasSize(1);
        // the unused scripted answer is consumed so it does not leak into other tests
        assertThat(harness.get("/api/1/vehicles/" + NA_VIN + "/recent_alerts", ALICE.gatewayToken()).statusCode()).isEqualTo(200);
    }
}
