package io.fleetgate.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.fleetgate.json.JsonMappers;
import org.apache.camel.component.jackson.JacksonDataFormat;

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

    public static AuditEvent read(String json) throws JsonProcessingException {
        return MAPPER.readValue(json, AuditEvent.class);
    }

    /** The data format the route {@code audit-publish} marshals with (bound as {@code auditEventJson}). */
    static JacksonDataFormat dataFormat() {
        JacksonDataFormat format = new JacksonDataFormat(MAPPER, AuditEvent.class);
        format.setContentTypeHeader(false);
        return format;
    }
}
