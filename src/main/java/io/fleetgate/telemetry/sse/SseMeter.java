package io.fleetgate.telemetry.sse;

import io.fleetgate.audit.AuditEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * What one SSE connection streamed, for the account's audit and usage (Tesla bills streamed
 * signals): every field value of a live {@code data} event written to the client counts. Not one
 * audit event per signal: one per connection every metering interval in which signals were
 * delivered, and one when the connection ends, each with the signals since the last and their
 * credits. Credits go by {@code signalsPerCredit}: at each interval the whole credits the
 * connection's signals have reached so far (rounded down), at the end the rest, rounded up, so a
 * connection is charged {@code ceil(signals / signalsPerCredit)} in all. Called on the
 * connection's event loop only.
 */
final class SseMeter {
    static final String ENDPOINT_CLASS = "stream";

    private final SseRequest request;
    private final long signalsPerCredit;
    private final Clock clock;
    private final Consumer<AuditEvent> audit;
    private final java.util.concurrent.atomic.LongAdder replicaSignals;
    private long signals;
    private long signalsMetered;
    private long creditsCharged;

    SseMeter(SseRequest request, long signalsPerCredit, Clock clock, Consumer<AuditEvent> audit,
             java.util.concurrent.atomic.LongAdder replicaSignals) {
        this.replicaSignals = replicaSignals;
        this.request = request;
        this.signalsPerCredit = signalsPerCredit;
        this.clock = clock;
        this.audit = audit;
    }

    void delivered(int count) {
        signals += count;
        replicaSignals.add(count);
    }

    /** An audit event for what was delivered since the last one; at the end always one. */
    void meter(boolean last) {
        long newSignals = signals - signalsMetered;
        if (!last && newSignals == 0) {
            return;
        }
        long due = last ? Math.ceilDiv(signals, signalsPerCredit) : signals / signalsPerCredit;
        int credits = (int) Math.max(0, due - creditsCharged);
        Instant now = clock.instant();
        audit.accept(AuditEvent.builder(UUID.randomUUID(), now, AuditEvent.Source.REST)
                .accountId(request.account().id())
                .tokenName(request.tokenName())
                .clientIp(request.clientIp())
                .clientLibrary(request.clientLibrary())
                .method("GET")
                .pathTemplate(request.pathTemplate())
                .endpointClassName(ENDPOINT_CLASS)
                .vin(request.vin())
                .region(request.region())
                .status(200)
                .credits(credits)
                .streamedSignals(newSignals)
                .latencyMs(Math.max(0, Duration.between(request.receivedAt(), now).toMillis()))
                .build());
        signalsMetered = signals;
        creditsCharged += credits;
    }
}
