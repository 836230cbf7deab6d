package io.fleetgate.region;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class UpstreamRequestTest {
    @Test
    void keepsOnlyTheStatusAndTheAnswerHeadersACallerMaySee() {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 429);
        exchange.getMessage().setHeader("content-type", "application/json");
        exchange.getMessage().setHeader("Retry-After", "7");
        exchange.getMessage().setHeader("RateLimit-Remaining", "0");
        exchange.getMessage().setHeader("ratelimit-reset", "7");
        exchange.getMessage().setHeader("Alt-Svc", "h2=\"fleet-api.prd.eu.vn.cloud.tesla.com:443\"");
        exchange.getMessage().setHeader("Set-Cookie", "session=secret");
        exchange.getMessage().setHeader("Authorization", "Bearer tesla-token");
        exchange.getMessage().setHeader("X-RateLimited-By", "proxy");
        exchange.getMessage().setHeader(Exchange.HTTP_PATH, "/api/1/vehicles");

        new UpstreamRequest("fleetgate-test").keepAnswerHeaders(exchange);

        assertThat(exchange.getMessage().getHeaders().keySet()).containsExactlyInAnyOrder(
                Exchange.HTTP_RESPONSE_CODE, "content-type", "Retry-After", "RateLimit-Remaining", "ratelimit-reset", "Alt-Svc");
    }
}
