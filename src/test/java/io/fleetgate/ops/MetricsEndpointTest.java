package io.fleetgate.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.testing.CommandFleet;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.SimControl;
import io.fleetgate.testing.TestAccount;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * After reads, a command that wakes its vehicle, a command retried after a 503 and a request
 * over the rate limit, /observe/metrics on the management port counts exactly those.
 */
class MetricsEndpointTest {
    private static final TestAccount OPS = CommandFleet.account();

    @Test
    void metricsCountWhatWasSent() {
        try (GatewayHarness harness = GatewayHarness.builder().fleet(CommandFleet.fleet()).accounts(OPS)
                .setting("fleetgate.limits.ip.per-window", "5")
                .start()) {
            String asleep = CommandFleet.vin(1);
            String online = CommandFleet.vin(2);
            harness.simulator().fleet().bringOnline(online);
            new SimControl(harness.simulator()).script("{\"vin\":\"" + online + "\",\"path\":\"/command/flash_lights\","
                    + "\"responses\":[{\"status\":503},{\"status\":200}]}");

            for (int i = 0; i < 2; i++) {
                assertThat(harness.get("/api/1/vehicles/" + online + "/vehicle_data", OPS.gatewayToken()).statusCode()).isEqualTo(200);
            }
            assertThat(harness.post("/api/1/vehicles/" + asleep + "/command/honk_horn", OPS.gatewayToken(), "{}").statusCode()).isEqualTo(200);
            assertThat(harness.post("/api/1/vehicles/" + online + "/command/flash_lights", OPS.gatewayToken(), "{}").statusCode()).isEqualTo(200);
            assertThat(harness.get("/api/1/vehicles/" + online + "/vehicle_data", OPS.gatewayToken()).statusCode()).isEqualTo(200);
            assertThat(harness.get("/api/1/vehicles/" + online + "/vehicle_data", OPS.gatewayToken()).statusCode()).isEqualTo(429);

            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                    scrape(harness).value("fleetgate_requests_total", "endpoint_class=vehicle_command") == 2);
            PrometheusText metrics = scrape(harness);

            assertThat(metrics.value("fleetgate_requests_total", "endpoint_class=vehicle_read", "status=200", "source=rest")).isEqualTo(3);
            // the 429 came from the per-IP limit, decided before any route: it reached no route and has no audit event
            assertThat(metrics.value("fleetgate_requests_total", "status=429")).isEqualTo(-1);
            assertThat(metrics.value("fleetgate_requests_total", "endpoint_class=vehicle_command", "status=200")).isEqualTo(2);
            // reads: 2 credits each; commands: 1 per billed attempt (the 503 is not billed), 20 for the wake-up
            assertThat(metrics.value("fleetgate_credits_charged_total", "endpoint_class=vehicle_read")).isEqualTo(6);
            assertThat(metrics.value("fleetgate_credits_charged_total", "endpoint_class=vehicle_command")).isEqualTo(22);
            assertThat(metrics.value("fleetgate_wake_ups_total", "outcome=online")).isEqualTo(1);
            assertThat(metrics.value("fleetgate_retries_total", "reason=upstream_5xx")).isEqualTo(1);
            assertThat(metrics.value("fleetgate_rate_limit_refusals_total", "limit=ip")).isEqualTo(1);
            assertThat(metrics.value("fleetgate_rate_limit_refusals_total", "limit=site")).isZero();
            assertThat(metrics.value("fleetgate_rate_limit_refusals_total", "limit=admin_auth")).isZero();
            assertThat(metrics.value("fleetgate_auth_refusals_total")).as("every token was right").isZero();
            assertThat(metrics.value("fleetgate_rate_limiter_keys")).as("127.0.0.1 and its window").isEqualTo(1);
            assertThat(metrics.value("fleetgate_rate_limiter_failures_total")).isZero();
            assertThat(metrics.value("fleetgate_audit_events_dropped_total", "reason=journal_full")).isZero();
            assertThat(metrics.value("fleetgate_command_lanes_active")).isZero();
            assertThat(metrics.value("fleetgate_command_lanes_queued")).isZero();
            // one latency sample per call that reached the (simulated) Fleet API, all in the NA region
            assertThat(metrics.value("fleetgate_upstream_latency_seconds_count", "region=na"))
                    .isEqualTo(harness.simulator().requests().size());
            assertThat(metrics.value("fleetgate_upstream_latency_seconds_bucket", "region=na", "le=+Inf"))
                    .isEqualTo(harness.simulator().requests().size());
            assertThat(metrics.value("fleetgate_upstream_latency_seconds_sum", "region=na")).isPositive();
            // the JVM's own meters are there too
            assertThat(metrics.has("jvm_memory_used_bytes")).isTrue();
            // no Camel event notifier listens to exchanges: Camel would build events at every step of every request
            assertThat(harness.gateway().context().getCamelContextExtension().isEventNotificationApplicable())
                    .as("an event notifier asks for exchange events").isFalse();
        }
    }

    static PrometheusText scrape(GatewayHarness harness) {
        try {
            HttpResponse<String> answer = harness.httpClient().send(HttpRequest.newBuilder(URI.create(harness.managementUrl("/observe/metrics")))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            return new PrometheusText(answer.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
