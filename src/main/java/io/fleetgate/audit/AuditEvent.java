package io.fleetgate.audit;


import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import io.fleetgate.command.AttemptLog;
import io.fleetgate.ingress.EndpointClass;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import org.apache.camel.Exchange;

/**
 * One request as the audit topic {@code fleetgate.audit.v1} records it (key: the account id):
 * who asked what, how it ended, what it took upstream and the credits it charged. Built only
 * from these fields, never from a request's headers, query or account, so no token can be in it.
 * Every field is written, null when unknown (for example {@code path_template} of an unknown path,
 * or {@code token_name} of a command a Kafka producer sent).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record AuditEvent(
        @JsonProperty("event_id") UUID eventId,
        /** When the request arrived. */
        @JsonProperty("time") Instant time,
        @JsonProperty("account_id") String accountId,
        /** The name of the gateway token the caller presented (never its value); null when none was. */
        @JsonProperty("token_name") String tokenName,
        @JsonProperty("client_ip") String clientIp,
        @JsonProperty("client_library") String clientLibrary,
        @JsonProperty("method") String method,
        @JsonProperty("path_template") String pathTemplate,
        /** The endpoint class in lower case ({@code vehicle_read}, {@code vehicle_command}, ...). */
        @JsonProperty("endpoint_class") String endpointClass,
        @JsonProperty("vin") String vin,
        @JsonProperty("energy_site_id") Long energySiteId,
        @JsonProperty("command") String command,
        @JsonProperty("command_id") String commandId,
        /** The status the caller got. */
        @JsonProperty("status") int status,
        /** Calls made to the Fleet API for this request. */
        @JsonProperty("attempts") int attempts,
        @JsonProperty("woke_vehicle") boolean wokeVehicle,
        @JsonProperty("credits") int credits,
        @JsonProperty("latency_ms") long latencyMs,
        @JsonProperty("region") String region,
        @JsonProperty("source") Source source,
        /** Each attempt of a proxied command (vehicle or energy site); null for every other request. */
        @JsonProperty("attempt_log") List<AttemptLog.Entry> attemptLog,
        /** Data signals an SSE stream delivered in the span this event meters (CONTRACT 10); absent for requests. */
        @JsonProperty("streamed_signals") @JsonInclude(JsonInclude.Include.NON_NULL) Long streamedSignals) {

    /** The record key of events whose caller was never identified. */
    public static final String ANONYMOUS = "anonymous";

    /** The exchange property the audit stage keeps a request's event in until it is buffered. */
    public static final String EXCHANGE_PROPERTY = "fleetgateAuditEvent";

    /** The event the audit stage attached to the exchange; null when there is none. */
    public static AuditEvent attachedTo(Exchange exchange) {
        return exchange.getProperty(EXCHANGE_PROPERTY, AuditEvent.class);
    }

    public AuditEvent {
        Objects.requireNonNull(eventId, "event_id");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(source, "source");
        if (attempts < 0 || credits < 0 || latencyMs < 0) {
            throw new IllegalArgumentException("attempts, credits and latency are never negative");
        }
    }

    /** The Kafka record key: the account id, or {@value #ANONYMOUS} for a caller never identified. */
    public String partitionKey() {
        return accountId != null ? accountId : ANONYMOUS;
    }

    public static Builder builder(UUID eventId, Instant time, Source source) {
        return new Builder(eventId, time, source);
    }

    /** Where the request came from. */
    public enum Source {
        REST, KAFKA;

        @JsonValue
        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** For events with many optional fields: set what is known, leave the rest null (or 0 / false). */
    public static final class Builder {
        private final UUID eventId;
        private final Instant time;
        private final Source source;
        private String accountId;
        private String tokenName;
        private String clientIp;
        private String clientLibrary;
        private String method;
        private String pathTemplate;
        private String endpointClass;
        private String vin;
        private Long energySiteId;
        private String command;
        private String commandId;
        private int status;
        private int attempts;
        private boolean wokeVehicle;
        private int credits;
        private long latencyMs;
        private String region;
        private List<AttemptLog.Entry> attemptLog;
        private Long streamedSignals;

        private Builder(UUID eventId, Instant time, Source source) {
            this.eventId = eventId;
            this.time = time;
            this.source = source;
        }

        public Builder accountId(String value) { accountId = value; return this; }
        public Builder tokenName(String value) { tokenName = value; return this; }
        public Builder clientIp(String value) { clientIp = value; return this; }
        public Builder clientLibrary(String value) { clientLibrary = value; return this; }
        public Builder method(String value) { method = value; return this; }
        public Builder pathTemplate(String value) { pathTemplate = value; return this; }
        public Builder endpointClass(EndpointClass value) {
            endpointClass = value == null ? null : value.name().toLowerCase(Locale.ROOT);
            return this;
        }
        /** A class that is no {@link EndpointClass}: {@code stream} for SSE metering. */
        public Builder endpointClassName(String value) { endpointClass = value; return this; }
        public Builder streamedSignals(Long value) { streamedSignals = value; return this; }
        public Builder vin(String value) { vin = value; return this; }
        public Builder energySiteId(Long value) { energySiteId = value; return this; }
        public Builder command(String value) { command = value; return this; }
        public Builder commandId(String value) { commandId = value; return this; }
        public Builder status(int value) { status = value; return this; }
        public Builder attempts(int value) { attempts = value; return this; }
        public Builder wokeVehicle(boolean value) { wokeVehicle = value; return this; }
        public Builder credits(int value) { credits = value; return this; }
        public Builder latencyMs(long value) { latencyMs = value; return this; }
        public Builder region(String value) { region = value; return this; }
        public Builder attemptLog(List<AttemptLog.Entry> value) { attemptLog = value; return this; }

        public AuditEvent build() {
            return new AuditEvent(eventId, time, accountId, tokenName, clientIp, clientLibrary, method, pathTemplate,
                    endpointClass, vin, energySiteId, command, commandId, status, attempts, wokeVehicle, credits,
                    latencyMs, region, source, attemptLog, streamedSignals);
        }
    }
}
