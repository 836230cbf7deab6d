package io.fleetgate.credits;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.fleetgate.audit.AuditEvent;
import io.fleetgate.json.JsonMappers;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * What a usage roll-up or report counts of an audit event: its account, arrival, credits and
 * report row. Read from the record's JSON by streaming past every other field (the attempt log, the
 * client's address...) instead of binding a whole {@link AuditEvent}: the roll-ups read every
 * event of the topic, and the binding was most of their CPU.
 */
record UsageFields(String accountId, Instant time, int credits, UsageRow row) {
    private static final JsonFactory FACTORY = JsonMappers.newMapper().getFactory();

    static UsageFields of(AuditEvent event) {
        return new UsageFields(event.accountId(), event.time(), event.credits(), UsageRow.of(event));
    }

    /**
     * The fields of an audit record, as {@link AuditRecords#read} would give them; empty for a
     * record that is not an audit event (not a JSON object, or without its id, time or source), never
     * an exception.
     */
    static Optional<UsageFields> read(byte[] value) {
        if (value == null) {
            return Optional.empty();
        }
        boolean identified = false;
        String source = null;
        String accountId = null;
        String time = null;
        int credits = 0;
        String method = null;
        String pathTemplate = null;
        String command = null;
        String tokenName = null;
        String clientLibrary = null;
        try (JsonParser parser = FACTORY.createParser(value)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken token = parser.nextToken();
                switch (name) {
                    case "event_id" -> identified = text(parser, token) != null;
                    case "source" -> source = text(parser, token);
                    case "account_id" -> accountId = text(parser, token);
                    case "time" -> time = text(parser, token);
                    case "credits" -> credits = token == JsonToken.VALUE_NUMBER_INT ? parser.getIntValue() : 0;
                    case "method" -> method = text(parser, token);
                    case "path_template" -> pathTemplate = text(parser, token);
                    case "command" -> command = text(parser, token);
                    case "token_name" -> tokenName = text(parser, token);
                    case "client_library" -> clientLibrary = text(parser, token);
                    default -> parser.skipChildren();
                }
            }
            if (!identified || time == null || source == null || credits < 0) {
                return Optional.empty(); // what AuditEvent would refuse
            }
            return Optional.of(new UsageFields(accountId, Instant.parse(time), credits,
                    new UsageRow(UsageRow.endpoint(method, pathTemplate, command), tokenName, clientLibrary)));
        } catch (IOException | DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String text(JsonParser parser, JsonToken token) throws IOException {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token.isStructStart()) {
            parser.skipChildren();
            return null;
        }
        return parser.getText();
    }
}
