package io.fleetgate.audit;

import java.time.Clock;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;

/**
 * Binds the audit stage's beans (settings {@code fleetgate.audit.*}) for {@code routes/audit.camel.yaml}:
 * <ul>
 *   <li>{@code auditEvents}: {@link RequestAuditEvents}, a REST request's exchange to its event;</li>
 *   <li>{@code auditCommandEvents}: {@link CommandAuditEvents}, a finished command's exchange to its event;</li>
 *   <li>{@code auditOutbox}: {@link AuditOutbox}, the bounded buffer before Kafka, and
 *       {@code auditOutboxQueue}, its queue, which {@code seda:audit-outbox} drains;</li>
 *   <li>{@code auditCredits}: {@link Credits}, the weights of each kind of upstream call;</li>
 *   <li>{@code auditFailures}: {@link AuditFailures}, where the audit routes' errors are counted;</li>
 *   <li>{@code auditEventJson}: the data format of the records.</li>
 * </ul>
 */
public final class AuditConfiguration {
    private final Clock clock;

    public AuditConfiguration(Clock clock) {
        this.clock = clock;
    }

    public void bind(CamelContext context) {
        PropertiesComponent properties = context.getPropertiesComponent();
        Registry registry = context.getRegistry();
        Credits credits = credits(properties);
        AuditOutbox outbox = new AuditOutbox(context, wholeNumber(properties, "fleetgate.audit.buffer-size"), clock);
        registry.bind("auditCredits", credits);
        registry.bind("auditEvents", new RequestAuditEvents(credits, clock, UUID::randomUUID));
        registry.bind("auditCommandEvents", new CommandAuditEvents(credits, clock, UUID::randomUUID));
        registry.bind("auditOutbox", outbox);
        registry.bind("auditOutboxQueue", outbox.queue());
        registry.bind("auditFailures", new AuditFailures(clock));
        registry.bind("auditEventJson", AuditEventJson.dataFormat());
    }

    static Credits credits(PropertiesComponent properties) {
        return new Credits(
                wholeNumber(properties, "fleetgate.audit.credits.command"),
                wholeNumber(properties, "fleetgate.audit.credits.data-request"),
                wholeNumber(properties, "fleetgate.audit.credits.wake-up"));
    }

    private static int wholeNumber(PropertiesComponent properties, String key) {
        String value = properties.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty())
                .orElseThrow(() -> new IllegalStateException("setting " + key + " is required"));
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("setting " + key + " must be a whole number, got: " + value);
        }
    }
}
