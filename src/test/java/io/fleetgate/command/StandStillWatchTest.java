package io.fleetgate.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The watch's bookkeeping on a clock moved by hand; {@link CommandStandStillTest} stops a real process. */
class StandStillWatchTest {
    private static final Duration LIMIT = Duration.ofSeconds(10);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final StandStillWatch watch = new StandStillWatch(LIMIT, now::get);
    private final CamelContext camel = new DefaultCamelContext();

    @BeforeEach
    void start() {
        watch.start();
    }

    @AfterEach
    void stop() throws Exception {
        watch.stop();
        camel.close();
    }

    @Test
    void aStandStillWithinTheLimitRaisesNoDoubt() {
        standStill(LIMIT.minusMillis(1));
        assertThat(watch.inDoubt()).isFalse();
        assertThat(watch.standStills()).isZero();
        assertThat(watch.whenSettled()).isDone();
    }

    @Test
    void aLongerOneHoldsCommandsUntilTheConsumerSettlesIt() throws Exception {
        AsyncProcessor step = watch.confirmedStep(Runnable::run);
        Exchange before = new DefaultExchange(camel);
        assertThat(step.process(before, doneSync -> { })).as("no doubt: the step is done at once").isTrue();

        standStill(LIMIT.plusMillis(1));
        assertThat(watch.inDoubt()).isTrue();
        long seen = watch.standStills();
        assertThat(seen).isEqualTo(1);
        CountDownLatch wentOn = new CountDownLatch(1);
        assertThat(step.process(new DefaultExchange(camel), doneSync -> wentOn.countDown())).isFalse();
        assertThat(wentOn.getCount()).as("the command waits").isEqualTo(1);

        watch.settle(seen - 1); // a confirmation that began before this stand-still settles nothing
        assertThat(watch.inDoubt()).isTrue();
        watch.settle(seen);
        assertThat(wentOn.await(5, TimeUnit.SECONDS)).as("the command goes on once settled").isTrue();
        assertThat(watch.inDoubt()).isFalse();
    }

    @Test
    void aStandStillDuringTheConfirmationNeedsAnotherOne() {
        standStill(LIMIT.plusSeconds(5));
        long seen = watch.standStills();
        standStill(LIMIT.plusSeconds(5)); // again, while the consumer was confirming the first
        watch.settle(seen);
        assertThat(watch.inDoubt()).as("the second stand-still is not confirmed by the first's answer").isTrue();
        watch.settle(watch.standStills());
        assertThat(watch.inDoubt()).isFalse();
    }

    @Test
    void aStoppedWatchRaisesNoDoubt() {
        watch.stop();
        standStill(LIMIT.multipliedBy(3));
        assertThat(watch.inDoubt()).isFalse();
    }

    @Test
    void theLimitForAGroupIsHalfOfWhatAPauseMayLastBeforeTheGroupMovesOn() {
        // the defaults: an 8 s session, a heartbeat every 2 s
        assertThat(StandStillWatch.forGroup(Duration.ofSeconds(8), Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(3));
    }

    private void standStill(Duration duration) {
        now.addAndGet(duration.toNanos());
    }
}
