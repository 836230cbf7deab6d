package io.fleetgate.ops;

import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Kafka's state for operators, in the full health list ({@code /observe/health}): DOWN while
 * Kafka does not answer, saying for how long and how many audit events wait for it. Neither a
 * readiness nor a liveness check: a replica without Kafka still serves reads (its commands
 * refuse themselves with 503), and a restart would not bring Kafka back.
 */
public final class KafkaStateCheck extends StateCheck {
    private final String bootstrapServers;
    private final BooleanSupplier up;
    private final Supplier<Duration> away;
    private final LongSupplier waitingAuditEvents;

    public KafkaStateCheck(String bootstrapServers, BooleanSupplier up, Supplier<Duration> away, LongSupplier waitingAuditEvents) {
        super("kafka");
        this.bootstrapServers = bootstrapServers;
        this.up = up;
        this.away = away;
        this.waitingAuditEvents = waitingAuditEvents;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        long waiting = waitingAuditEvents.getAsLong();
        builder.detail("bootstrap.servers", bootstrapServers);
        builder.detail("audit.events.waiting", waiting);
        if (up.getAsBoolean()) {
            builder.up();
        } else {
            long seconds = away.get().toSeconds();
            builder.detail("away.seconds", seconds);
            builder.down().message("Kafka at " + bootstrapServers + " has not answered for " + seconds
                    + " s: REST commands get 503, " + waiting + " audit events wait; reads go on");
        }
    }
}
