package io.fleetgate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetgate.ingress.GatewayError;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Kafka counts as away after two probes in a row went unanswered, not after one slow answer, and
 * as away since the first of them. (HealthChecksTest and the outage tests probe a real broker.)
 */
class KafkaHealthTest {
    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    private final KafkaHealth health = new KafkaHealth("127.0.0.1:1", 500);

    @Test
    void oneUnansweredProbeBetweenAnswersTurnsNoCommandAway() {
        health.probed(true, 0);
        health.probed(false, SECOND);
        assertThat(health.isUp()).isTrue();
        health.requireUp();
        health.probed(true, 2 * SECOND);
        health.probed(false, 3 * SECOND);
        assertThat(health.isUp()).as("the misses in a row start again after an answer").isTrue();
    }

    @Test
    void twoInARowAndKafkaIsAwaySinceTheFirstUntilOneIsAnswered() {
        long start = System.nanoTime();
        health.probed(false, start - 3 * SECOND);
        health.probed(false, start - 2 * SECOND);
        health.probed(false, start - SECOND);
        assertThat(health.isUp()).isFalse();
        assertThat(health.away()).as("away since the first unanswered probe").isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        assertThatThrownBy(health::requireUp).isInstanceOfSatisfying(GatewayError.class,
                e -> assertThat(e.status()).isEqualTo(503));

        health.probed(true, start);
        assertThat(health.isUp()).isTrue();
        assertThat(health.away()).isZero();
        health.probed(false, start + SECOND);
        assertThat(health.isUp()).as("one miss after it came back").isTrue();
    }
}
