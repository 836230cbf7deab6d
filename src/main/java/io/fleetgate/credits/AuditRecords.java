package io.fleetgate.credits;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.fleetgate.audit.AuditEvent;
import io.fleetgate.json.JsonMappers;
import java.io.IOException;
import java.util.Optional;

/**
 * Audit records as read back from {@code fleetgate.audit.v1}. Lenient: a field a newer replica
 * adds is ignored, and a record that is not an audit event is skipped, never fatal.
 */
final class AuditRecords {
    private static final ObjectMapper JSON = JsonMappers.newMapper()
            .registerModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private AuditRecords() {}

    static Optional<AuditEvent> read(byte[] value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(value, AuditEvent.class));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
