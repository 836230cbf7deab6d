package io.fleetgate.kafka;

import java.time.Duration;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * How a member of a consumer group stops: it leaves the group first (its rebalance listener hands
 * its partitions over and commits, and the leave is sent), then closes. A plain {@code close()}
 * also waits out the broker's hold on the consumer's last fetch, the one that closes its fetch
 * session ({@code fetch.max.wait.ms}, 500 ms by default; KAFKA-19884 documents it): half a second
 * per consumer on every stop, one consumer after another.
 */
public final class GroupExit {
    /**
     * For the leave's answer, which a broker gives within milliseconds; the leave itself is on the
     * wire once {@code unsubscribe()} returns and is handled whether or not its answer is awaited.
     * The rest of this time goes to the fetch the broker holds, so it is spent in full on every stop.
     */
    static final Duration CLOSE_AFTER_LEAVING = Duration.ofMillis(50);

    private GroupExit() {}

    /** Leaves the group (the listener runs first, as at a close), then closes without waiting out a fetch. */
    public static void leaveAndClose(Consumer<?, ?> consumer) {
        try {
            consumer.unsubscribe();
        } finally {
            consumer.close(CloseOptions.timeout(CLOSE_AFTER_LEAVING));
        }
    }
}
