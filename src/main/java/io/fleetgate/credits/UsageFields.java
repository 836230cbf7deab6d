package io.fleetgate.credits;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.fleetgate.audit.AuditEvent;
import io.fleetgate.json.JsonMappers;
import java.io.IOException;
import java.time.Instant;
import java.time.DateTimeException;
import java.time.LocalDate;
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
            return Optional.of(new UsageFields(accountId, instant(time), credits,
                    new UsageRow(UsageRow.endpoint(method, pathTemplate, command), tokenName, clientLibrary)));
        } catch (IOException | DateTimeException e) {
            return Optional.empty();
        }
    }

    /**
     * An audit event's time as its JSON writes it ({@code 2026-12-04T17:25:19.123Z}, ISO-8601 in
     * UTC, 0-9 fraction digits) read field by field: {@link Instant#parse} is a general formatter's
     * parse, and was about half of this read's CPU. Any other form goes to {@link Instant#parse}.
     */
    static Instant instant(String text) {
        int n = text.length();
        if (n < 20 || n == 21 || n > 30 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':' || text.charAt(n - 1) != 'Z'
                || (n > 20 && text.charAt(19) != '.')) {
            return Instant.parse(text);
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        int fraction = n > 20 ? digits(text, 20, n - 21) : 0;
        if ((year | month | day | hour | minute | second | fraction) < 0 || hour > 23 || minute > 59 || second > 59) {
            return Instant.parse(text);
        }
        for (int i = n - 21; i < 9 && n > 20; i++) {
            fraction *= 10;
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay(); // a day the month lacks throws, as Instant.parse does
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, fraction);
    }

    /** The decimal number of {@code length} digits at {@code from}; -1 when one is not a digit. */
    private static int digits(String text, int from, int length) {
        int value = 0;
        for (int i = from; i < from + length; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
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
