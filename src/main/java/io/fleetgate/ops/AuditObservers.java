package io.fleetgate.ops;

import io.fleetgate.audit.AuditEvent;
import java.util.List;
import java.util.function.Consumer;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bound as {@code auditObservers}: the audit stage hands it every event it builds, before the
 * event is buffered for Kafka, so metrics and the request log count what the audit topic records.
 * An observer that fails is logged and skipped: it must not cost the event or the request.
 */
public final class AuditObservers {
    private static final Logger LOG = LoggerFactory.getLogger(AuditObservers.class);

    private final List<Consumer<AuditEvent>> observers;

    public AuditObservers(List<Consumer<AuditEvent>> observers) {
        this.observers = List.copyOf(observers);
    }

    /** {@link #observe} of the event the audit stage attached to the exchange (a bean step). */
    public void observeEventOf(Exchange exchange) {
        observe(AuditEvent.attachedTo(exchange));
    }

    public void observe(AuditEvent event) {
        if (event == null) {
            return;
        }
        for (Consumer<AuditEvent> observer : observers) {
            try {
                observer.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("audit observer {} failed: {}", observer.getClass().getSimpleName(), e.getClass().getName());
            }
        }
    }
}
