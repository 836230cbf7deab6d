package io.fleetgate.kafka;

import java.util.function.Predicate;
import org.apache.camel.component.kafka.consumer.errorhandler.KafkaConsumerListener;
import org.apache.camel.component.kafka.consumer.support.ProcessingResult;

/**
 * A Camel Kafka consumer's listener that is told of every poll ({@link #afterConsume}, on the
 * consumer's own thread, also for polls that brought nothing) and never pauses the consumer. A
 * route installs it with the {@code pausable} step, naming it as both {@code consumerListener} and
 * {@code untilCheck}: Camel offers no other way to hear of each poll.
 */
public abstract class PollListener extends KafkaConsumerListener implements Predicate<Object> {

    @Override
    public boolean afterProcess(ProcessingResult result) {
        return true;
    }

    /** Never paused, so always resumable. */
    @Override
    public final boolean test(Object ignored) {
        return true;
    }
}
