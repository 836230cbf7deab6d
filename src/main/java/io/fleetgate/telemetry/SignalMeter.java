package io.fleetgate.telemetry;

import io.fleetgate.audit.AuditEvent;
import io.fleetgate.ids.RandomIds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one streaming recipient (an SSE connection, a webhook endpoint) was delivered, for the
 * account's audit and usage (Tesla bills streamed signals): every field value of a live
 * {@code data} event it received counts. Not one audit event per signal: one per recipient every
 * metering interval in which signals were delivered, and one when it ends, each with the signals
 * since the last and their credits. Credits go by {@code signalsPerCredit}: at each interval the
 * whole credits the recipient's signals have reached so far (rounded down), at the end the rest,
 * rounded up, so a recipient is charged {@code ceil(signals / signalsPerCredit)} in all. Not
 * thread-safe: called on the recipient's one event loop only.
 */
public final class SignalMeter {
    private static final Logger LOG = LoggerFactory.getLogger(SignalMeter.class);
    public static final String ENDPOINT_CLASS = "stream";

    /**
     * Who received the signals, as each audit event names them.
     *
     * @param since when the recipient began receiving (an event's latency is the time since)
     */
    public record Recipient(String accountId, String tokenName, String clientIp, String clientLibrary, String method,
                            String pathTemplate, String vin, String region, Instant since) {}

    private final Recipient recipient;
    private final long signalsPerCredit;
    private final Clock clock;
    private final Consumer<AuditEvent> audit;
    private final LongAdder replicaSignals;
    private long signals;
    private long signalsMetered;
    private long creditsCharged;

    /** @param replicaSignals also counts every delivered signal (a replica-wide meter) */
    public SignalMeter(Recipient recipient, long signalsPerCredit, Clock clock, Consumer<AuditEvent> audit, LongAdder replicaSignals) {
        this.recipient = recipient;
        this.signalsPerCredit = signalsPerCredit;
        this.clock = clock;
        this.audit = audit;
        this.replicaSignals = replicaSignals;
    }

    /**
     * Audit events go to the audit stage's own route ({@code direct:audit-event}), as any stage
     * that builds its events itself; one that cannot be recorded (Fleetgate stopping) is said.
     */
    public static Consumer<AuditEvent> auditing(CamelContext context, String recipients) {
        ProducerTemplate auditEvents = context.createProducerTemplate();
        return event -> {
            try {
                auditEvents.sendBody("direct:audit-event", event);
            } catch (RuntimeException e) {
                LOG.warn("the audit event of {} of account {} ({} signals, {} credits) was not recorded: {}",
                        recipients, event.accountId(), event.streamedSignals(), event.credits(), e.toString());
            }
        };
    }

    /** Signals in a {@code data} event's body as sent: its field values. */
    public static int signalsIn(com.fasterxml.jackson.databind.JsonNode body) {
        return body.path("data").size();
    }

    public void delivered(int count) {
        signals += count;
        replicaSignals.add(count);
    }

    /** Whether signals or credits are not yet in an audit event (what {@code meter(true)} would audit). */
    public boolean hasUnmetered() {
        return signals != signalsMetered || Math.ceilDiv(signals, signalsPerCredit) != creditsCharged;
    }

    /**
     * An audit event for what was delivered since the last one; at the end ({@code last}) always
     * one, with the rest of the credits rounded up. A recipient that goes on after an end (a webhook
     * endpoint metered as Fleetgate stops) is charged correctly at its next end.
     */
    public void meter(boolean last) {
        long newSignals = signals - signalsMetered;
        if (!last && newSignals == 0) {
            return;
        }
        long due = last ? Math.ceilDiv(signals, signalsPerCredit) : signals / signalsPerCredit;
        int credits = (int) Math.max(0, due - creditsCharged);
        Instant now = clock.instant();
        audit.accept(AuditEvent.builder(RandomIds.uuid(), now, AuditEvent.Source.REST)
                .accountId(recipient.accountId())
                .tokenName(recipient.tokenName())
                .clientIp(recipient.clientIp())
                .clientLibrary(recipient.clientLibrary())
                .method(recipient.method())
                .pathTemplate(recipient.pathTemplate())
                .endpointClassName(ENDPOINT_CLASS)
                .vin(recipient.vin())
                .region(recipient.region())
                .status(200)
                .credits(credits)
                .streamedSignals(newSignals)
                .latencyMs(Math.max(0, Duration.between(recipient.since(), now).toMillis()))
                .build());
        signalsMetered = signals;
        creditsCharged += credits;
    }
}
