package io.fleetgate.audit;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.builder.ExchangeBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded buffer between whoever records an audit event and Kafka. {@link #offer} never
 * waits: when the buffer is full (Kafka is down or slow for longer than the buffer covers) the
 * event is dropped, counted and, at most once per 30 s, logged with the count and ids only. The
 * route {@code audit-publish} drains the buffer: it is the queue of {@code seda:audit-outbox}.
 */
public final class AuditOutbox {
    private static final Logger LOG = LoggerFactory.getLogger(AuditOutbox.class);
    static final Duration WARNING_INTERVAL = Duration.ofSeconds(30);

    private final CamelContext context;
    private final int capacity;
    private final BlockingQueue<Exchange> queue;
    private final LongAdder dropped = new LongAdder();
    private final WarningThrottle warnings;
    private final Consumer<String> warn;

    public AuditOutbox(CamelContext context, int capacity, Clock clock) {
        this(context, capacity, clock, LOG::warn);
    }

    AuditOutbox(CamelContext context, int capacity, Clock clock, Consumer<String> warn) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the audit buffer holds at least one event, not " + capacity);
        }
        this.context = context;
        this.capacity = capacity;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.warnings = new WarningThrottle(clock, WARNING_INTERVAL);
        this.warn = warn;
    }

    /** Buffers the event for Kafka without waiting; false when it was dropped (buffer full) or is null. */
    public boolean offer(AuditEvent event) {
        if (event == null) {
            return false;
        }
        Exchange exchange = ExchangeBuilder.anExchange(context).withPattern(ExchangePattern.InOnly).withBody(event).build();
        if (queue.offer(exchange)) {
            return true;
        }
        dropped.increment();
        if (warnings.tryAcquire()) {
            warn.accept("audit buffer full (" + capacity + " events): dropped event " + event.eventId()
                    + " of account " + event.partitionKey() + "; " + dropped.sum() + " dropped since start");
        }
        return false;
    }

    /**
     * Offers the exchange's {@code fleetgateAuditEvent} and notes whether it was buffered as
     * {@code fleetgateAuditQueued} (a bean step: a method expression would copy the exchange).
     */
    public void offerEventOf(Exchange exchange) {
        exchange.setProperty("fleetgateAuditQueued", offer(AuditEvent.attachedTo(exchange)));
    }

    /** Sets the record key of the buffered event in the exchange's body: its account (or anonymous). */
    public void keyByAccount(Exchange exchange) {
        exchange.getMessage().setHeader(KafkaConstants.KEY, exchange.getMessage().getBody(AuditEvent.class).partitionKey());
    }

    /** Events dropped because the buffer was full, since start (for metrics). */
    public LongAdder droppedEvents() {
        return dropped;
    }

    /** Events waiting for Kafka. */
    public int buffered() {
        return queue.size();
    }

    /** The buffer itself, bound as {@code auditOutboxQueue}: the queue {@code seda:audit-outbox} consumes. */
    public BlockingQueue<Exchange> queue() {
        return queue;
    }
}
