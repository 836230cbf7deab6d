package io.fleetgate.credits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.json.JsonMappers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One account's usage on one UTC day, row by row (credits, requests), and how far its audit
 * partition has been counted into it: every event of that day with an offset up to
 * {@link #throughOffset()} is in, none after. The roll-up topic carries it as JSON; the
 * aggregation's state store in a compact binary form.
 */
final class DayRollup {
    private static final ObjectMapper JSON = JsonMappers.newMapper();

    private final Map<UsageRow, long[]> rows;
    private int auditPartition;
    private long throughOffset;

    DayRollup() {
        this(new LinkedHashMap<>(), -1, -1);
    }

    private DayRollup(Map<UsageRow, long[]> rows, int auditPartition, long throughOffset) {
        this.rows = rows;
        this.auditPartition = auditPartition;
        this.throughOffset = throughOffset;
    }

    /** Counts the event found at this offset of the audit topic (events come in offset order). */
    DayRollup plus(UsageFields event, int partition, long offset) {
        long[] sum = rows.computeIfAbsent(event.row(), row -> new long[2]);
        sum[0] += event.credits();
        sum[1]++;
        auditPartition = partition;
        throughOffset = offset;
        return this;
    }

    /** Row -> {credits, requests}; not to be changed. */
    Map<UsageRow, long[]> rows() {
        return Collections.unmodifiableMap(rows);
    }

    int auditPartition() {
        return auditPartition;
    }

    long throughOffset() {
        return throughOffset;
    }

    long credits() {
        return rows.values().stream().mapToLong(sum -> sum[0]).sum();
    }

    long requests() {
        return rows.values().stream().mapToLong(sum -> sum[1]).sum();
    }

    /** The roll-up topic's record key: account and day, the same bytes for the same day (compaction keeps the last). */
    static String topicKey(String accountId, LocalDate day) {
        ObjectNode key = JSON.createObjectNode();
        key.put("account_id", accountId);
        key.put("day", day.toString());
        return key.toString();
    }

    /** The roll-up topic's record value (documented in kafka/README.md). */
    byte[] toJson(String accountId, LocalDate day) {
        ObjectNode value = JSON.createObjectNode();
        value.put("account_id", accountId);
        value.put("day", day.toString());
        value.put("credits", credits());
        value.put("requests", requests());
        ArrayNode array = value.putArray("rows");
        rows.forEach((row, sum) -> {
            ObjectNode node = array.addObject();
            node.put("endpoint", row.endpoint());
            node.put("token_name", row.tokenName());
            node.put("client_library", row.clientLibrary());
            node.put("credits", sum[0]);
            node.put("requests", sum[1]);
        });
        value.put("audit_partition", auditPartition);
        value.put("through_offset", throughOffset);
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A roll-up topic record read back: account, day and roll-up; empty for a record that is not one. */
    static Optional<Read> fromJson(byte[] value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(value);
            Map<UsageRow, long[]> rows = new LinkedHashMap<>();
            for (JsonNode row : node.path("rows")) {
                rows.put(new UsageRow(row.path("endpoint").asText(null), row.path("token_name").asText(null),
                        row.path("client_library").asText(null)), new long[] {row.path("credits").asLong(), row.path("requests").asLong()});
            }
            return Optional.of(new Read(node.get("account_id").asText(), LocalDate.parse(node.get("day").asText()),
                    new DayRollup(rows, node.path("audit_partition").asInt(-1), node.path("through_offset").asLong(-1))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    record Read(String accountId, LocalDate day, DayRollup rollup) {}

    /** The state store's form. */
    byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + rows.size() * 64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(auditPartition);
            out.writeLong(throughOffset);
            out.writeInt(rows.size());
            for (Map.Entry<UsageRow, long[]> row : rows.entrySet()) {
                writeNullable(out, row.getKey().endpoint());
                writeNullable(out, row.getKey().tokenName());
                writeNullable(out, row.getKey().clientLibrary());
                out.writeLong(row.getValue()[0]);
                out.writeLong(row.getValue()[1]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static DayRollup fromBytes(byte[] data) {
        if (data == null) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int partition = in.readInt();
            long through = in.readLong();
            int size = in.readInt();
            Map<UsageRow, long[]> rows = new LinkedHashMap<>();
            for (int i = 0; i < size; i++) {
                UsageRow row = new UsageRow(readNullable(in), readNullable(in), readNullable(in));
                rows.put(row, new long[] {in.readLong(), in.readLong()});
            }
            return new DayRollup(rows, partition, through);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeNullable(DataOutputStream out, String value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeUTF(value);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
