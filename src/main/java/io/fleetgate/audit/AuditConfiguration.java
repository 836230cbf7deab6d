package io.fleetgate.audit;

import io.fleetgate.ids.RandomIds;
import io.fleetgate.kafka.KafkaClientConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;

/**
 * Binds the audit stage's beans (settings {@code fleetgate.audit.*}) for {@code routes/audit.camel.yaml}:
 * <ul>
 *   <li>{@code auditEvents}: {@link RequestAuditEvents}, a REST request's exchange to its event;</li>
 *   <li>{@code auditCommandEvents}: {@link CommandAuditEvents}, a finished command's exchange to its event;</li>
 *   <li>{@code auditOutbox}: {@link AuditOutbox}, where events wait for Kafka: memory, then the
 *       {@link AuditJournal} in {@code fleetgate.audit.journal-dir};</li>
 *   <li>{@code auditPublisher}: {@link AuditPublisher}, the service that hands them to Kafka;</li>
 *   <li>{@code auditCredits}: {@link Credits}, the weights of each kind of upstream call;</li>
 *   <li>{@code auditFailures}: {@link AuditFailures}, where the audit routes' errors are counted.</li>
 * </ul>
 */
public final class AuditConfiguration {
    private final Clock clock;
    private final BooleanSupplier kafkaUp;

    /** @param kafkaUp whether Kafka answers now (the health probe): while not, events go to the journal, and it is not read */
    public AuditConfiguration(Clock clock, BooleanSupplier kafkaUp) {
        this.clock = clock;
        this.kafkaUp = kafkaUp;
    }

    public void bind(CamelContext context) throws Exception {
        PropertiesComponent properties = context.getPropertiesComponent();
        Registry registry = context.getRegistry();
        Credits credits = credits(properties);
        // this run's name: the journal and the records carry it, so its credit totals count each event once
        String origin = UUID.randomUUID().toString();
        AuditJournal journal = AuditJournal.open(Path.of(required(properties, "fleetgate.audit.journal-dir")),
                wholeNumber(properties, "fleetgate.audit.journal-max-bytes"),
                wholeNumber(properties, "fleetgate.audit.journal-fsync-interval-ms"), clock);
        AuditOutbox outbox = new AuditOutbox((int) wholeNumber(properties, "fleetgate.audit.buffer-size"), journal, origin, kafkaUp, clock);
        AuditPublisher publisher = new AuditPublisher(
                KafkaClientConfig.of(required(properties, "fleetgate.kafka.bootstrap-servers"), properties),
                required(properties, "fleetgate.topics.audit"), outbox,
                new AuditPublisher.Batching((int) wholeNumber(properties, "fleetgate.audit.kafka.linger-ms"),
                        (int) wholeNumber(properties, "fleetgate.audit.kafka.batch-bytes"),
                        required(properties, "fleetgate.audit.kafka.compression")),
                wholeNumber(properties, "fleetgate.audit.kafka.max-block-ms"),
                wholeNumber(properties, "fleetgate.audit.journal-fsync-interval-ms"), kafkaUp, clock);
        context.addService(publisher, true, true);
        registry.bind("auditCredits", credits);
        registry.bind("auditEvents", new RequestAuditEvents(credits, clock, RandomIds::uuid));
        registry.bind("auditCommandEvents", new CommandAuditEvents(credits, clock, RandomIds::uuid));
        registry.bind("auditOutbox", outbox);
        registry.bind("auditPublisher", publisher);
        registry.bind("auditFailures", new AuditFailures(clock));
    }

    static Credits credits(PropertiesComponent properties) {
        return new Credits(
                (int) wholeNumber(properties, "fleetgate.audit.credits.command"),
                (int) wholeNumber(properties, "fleetgate.audit.credits.data-request"),
                (int) wholeNumber(properties, "fleetgate.audit.credits.wake-up"));
    }

    private static String required(PropertiesComponent properties, String key) {
        return properties.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty())
                .orElseThrow(() -> new IllegalStateException("setting " + key + " is required"));
    }

    private static long wholeNumber(PropertiesComponent properties, String key) {
        String value = required(properties, key);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("setting " + key + " must be a whole number, got: " + value);
        }
    }
}
