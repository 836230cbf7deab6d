package io.fleetgate.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.apache.camel.RuntimeCamelException;
import org.junit.jupiter.api.Test;

class ErrorResponsesTest {

    @Test
    void envelopeIsTheFleetApisOwnShape() throws Exception {
        JsonNode body = new ObjectMapper().readTree(ErrorResponses.envelope("invalid_token", "said \"no\""));
        assertThat(body.has("response")).isTrue();
        assertThat(body.get("response").isNull()).isTrue();
        assertThat(body.get("error").asText()).isEqualTo("invalid_token");
        assertThat(body.get("error_description").asText()).isEqualTo("said \"no\"");
        assertThat(body.size()).isEqualTo(3);
    }

    @Test
    void upstreamTimeoutsAre504AndUnreachableUpstreamsAre502() {
        assertThat(ErrorResponses.toGatewayError(new RuntimeException(new SocketTimeoutException("read timed out"))).status())
                .isEqualTo(504);
        assertThat(ErrorResponses.toGatewayError(new ConnectException("refused")).error()).isEqualTo("upstream_unavailable");
        assertThat(ErrorResponses.toGatewayError(new IllegalStateException("bug")).status()).isEqualTo(500);
    }

    @Test
    void anOpenRegionBreakerIs503UpstreamUnavailableWithTheWaitUntilItMayHalfOpen() {
        CircuitBreaker breaker = CircuitBreaker.ofDefaults("eu");
        breaker.transitionToOpenState();
        ErrorResponses responses = new ErrorResponses("na", name -> name.equals("eu") ? Duration.ofSeconds(17) : Duration.ZERO,
                Duration.ofSeconds(1));

        GatewayError error = responses.gatewayError(CallNotPermittedException.createCallNotPermittedException(breaker));

        assertThat(error.status()).isEqualTo(503);
        assertThat(error.error()).isEqualTo("upstream_unavailable");
        assertThat(error.headers()).containsEntry("Retry-After", "17");
        assertThat(error.description()).contains("eu");
    }

    @Test
    void aFullBulkheadIs503ServiceUnavailableWithRetryAfterNeverA500() {
        Bulkhead bulkhead = Bulkhead.of("reads-in-flight", BulkheadConfig.custom().maxConcurrentCalls(1).build());
        BulkheadFullException full = BulkheadFullException.createBulkheadFullException(bulkhead);

        GatewayError error = new ErrorResponses("na", name -> Duration.ZERO, Duration.ofSeconds(2))
                .gatewayError(new RuntimeCamelException(full));
        GatewayError withoutSettings = ErrorResponses.toGatewayError(full);

        assertThat(error.status()).isEqualTo(503);
        assertThat(error.error()).isEqualTo("service_unavailable");
        assertThat(error.headers()).containsEntry("Retry-After", "2");
        assertThat(withoutSettings.status()).isEqualTo(503);
        assertThat(withoutSettings.headers()).containsEntry("Retry-After", "1");
    }
}
