package io.fleetgate.audit;

import org.apache.kafka.clients.producer.KafkaProducer;

/** One audit event on its way to Kafka: from memory, or from the journal (then {@code entry} is set). */
final class OutgoingEvent {
    final AuditEvent event;
    final AuditJournal.Entry entry;
    /** The record value; null for an event of memory, written when it is sent. */
    final byte[] value;
    /** The Fleetgate run that counted the event in its credit totals (the record's origin header). */
    final String origin;
    long sentAt;
    /** The producer that took it; null while none has. */
    KafkaProducer<String, byte[]> sentWith;
    /** What Kafka answered: null for an acknowledgement. */
    Exception failure;

    private OutgoingEvent(AuditEvent event, AuditJournal.Entry entry, byte[] value, String origin) {
        this.event = event;
        this.entry = entry;
        this.value = value;
        this.origin = origin;
    }

    static OutgoingEvent fromMemory(AuditEvent event, String origin) {
        return new OutgoingEvent(event, null, null, origin);
    }

    static OutgoingEvent fromJournal(AuditEvent event, AuditJournal.Entry entry) {
        return new OutgoingEvent(event, entry, entry.value(), entry.origin());
    }

    byte[] value() {
        return value != null ? value : AuditEventJson.bytes(event);
    }

    String describe() {
        return event.eventId() + " of account " + event.partitionKey();
    }
}
