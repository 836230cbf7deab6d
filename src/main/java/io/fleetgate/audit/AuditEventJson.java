package io.fleetgate.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.fleetgate.json.JsonMappers;

/**
 * The JSON of an audit event on {@code fleetgate.audit.v1}: snake_case fields (see
 * {@link AuditEvent}), {@code time} as an ISO-8601 instant, unknown fields as null.
 */
public final class AuditEventJson {
    private static final ObjectMapper MAPPER = JsonMappers.newMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private AuditEventJson() {}

    public static String write(AuditEvent event) {
        try {
            return MAPPER.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an audit event is always writable", e);
        }
    }

    /** The event as its record value: UTF-8 JSON. */
    public static byte[] bytes(AuditEvent event) {
        try {
            return MAPPER.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an audit event is always writable", e);
        }
    }

    public static AuditEvent read(byte[] json) throws java.io.IOException {
        return MAPPER.readValue(json, AuditEvent.class);
    }

    public static AuditEvent read(String json) throws JsonProcessingException {
        return MAPPER.readValue(json, AuditEvent.class);
    }
}
