package io.fleetgate.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.ingress.GatewayError;
import io.fleetgate.region.NoConnectionFreeException;
import io.fleetgate.region.Region;
import io.fleetgate.testing.MutableClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** What a region's breaker counts as the host failing, and the wait it tells refused callers. */
class RegionBreakersTest {
    private final MutableClock clock = new MutableClock();
    private final RegionBreakers breakers = new RegionBreakers(new BreakerSettings(50, 4, 4, Duration.ofSeconds(30), 2), clock);

    @Test
    void serverErrorsCountAndClientErrorsDoNot() {
        assertThat(RegionBreakers.answeredWithServerError(answer(503))).isTrue();
        assertThat(RegionBreakers.answeredWithServerError(answer(500))).isTrue();
        assertThat(RegionBreakers.answeredWithServerError(answer(404))).isFalse();
        assertThat(RegionBreakers.answeredWithServerError(answer(429))).isFalse();
        assertThat(RegionBreakers.answeredWithServerError(answer(421))).isFalse();
        assertThat(RegionBreakers.answeredWithServerError(answer(200))).isFalse();
    }

    @Test
    void timeoutsAndConnectionFailuresCountButABusyPoolOrABugDoesNot() {
        assertThat(RegionBreakers.hostFailed(new RuntimeCamelException(new ConnectException("refused")))).isTrue();
        assertThat(RegionBreakers.hostFailed(new SocketTimeoutException("read timed out"))).isTrue();
        assertThat(RegionBreakers.hostFailed(new RuntimeCamelException(new NoConnectionFreeException("lease")))).isFalse();
        assertThat(RegionBreakers.hostFailed(new IllegalStateException("bug"))).isFalse();
        assertThat(RegionBreakers.hostFailed(GatewayError.signInRequired())).isFalse();
    }

    @Test
    void opensOnFiveHundredsNeverOnFourHundredsAndOnlyForItsRegion() {
        CircuitBreaker na = breakers.breaker(Region.NA);
        for (int i = 0; i < 10; i++) {
            na.onResult(1, TimeUnit.MILLISECONDS, answer(404));
        }
        assertThat(na.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        na.onResult(1, TimeUnit.MILLISECONDS, answer(503));
        na.onResult(1, TimeUnit.MILLISECONDS, answer(502));
        assertThat(na.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breakers.breaker(Region.EU).getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(RegionBreakers.stateValue(na.getState())).isEqualTo(1);
    }

    @Test
    void refusedCallersWaitUntilTheBreakerMayHalfOpenAtLeastASecond() {
        CircuitBreaker cn = breakers.breaker(Region.CN);
        assertThat(breakers.untilHalfOpen("cn")).isEqualTo(Duration.ofSeconds(1));
        cn.transitionToOpenState();
        assertThat(breakers.untilHalfOpen("cn")).isEqualTo(Duration.ofSeconds(30));
        clock.advance(Duration.ofMillis(20_500));
        assertThat(breakers.untilHalfOpen("cn")).isEqualTo(Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(60));
        assertThat(breakers.untilHalfOpen("cn")).isEqualTo(Duration.ofSeconds(1));
    }

    private static Exchange answer(int status) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        return exchange;
    }
}
