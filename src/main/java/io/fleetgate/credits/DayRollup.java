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
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One account's usage on one UTC day, row by row (credits, requests), and how far its audit
 * partition has been counted into it: every event of that day with an offset up to
 * {@link #throughOffset()} is in, none after. The roll-up topic carries it as JSON; the
 * aggregation's state store in a compact binary form, which a roll-up once written or read in it
 * keeps up to date as it counts (see {@link StoreForm}).
 */
final class DayRollup {
    private static final ObjectMapper JSON = JsonMappers.newMapper();

    private final Map<UsageRow, long[]> rows;
    private int auditPartition;
    private long throughOffset;
    private StoreForm storeForm;

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
        long[] sum = rows.get(event.row());
        boolean newRow = sum == null;
        if (newRow) {
            sum = new long[2];
            rows.put(event.row(), sum);
        }
        sum[0] += event.credits();
        sum[1]++;
        auditPartition = partition;
        throughOffset = offset;
        if (storeForm != null) {
            storeForm.counted(this, event.row(), sum, newRow);
        }
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

    /** The state store's form: the same bytes whether kept up to date or written from scratch. */
    byte[] toBytes() {
        if (storeForm == null) {
            storeForm = StoreForm.of(this);
        }
        return storeForm.copy();
    }

    /** The roll-up a state store's bytes hold, which keeps them as its store form. */
    static DayRollup fromBytes(byte[] data) {
        if (data == null) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int partition = in.readInt();
            long through = in.readLong();
            int size = in.readInt();
            Map<UsageRow, long[]> rows = new LinkedHashMap<>();
            Map<UsageRow, Integer> sumsAt = new HashMap<>();
            for (int i = 0; i < size; i++) {
                UsageRow row = new UsageRow(readNullable(in), readNullable(in), readNullable(in));
                sumsAt.put(row, data.length - in.available());
                rows.put(row, new long[] {in.readLong(), in.readLong()});
            }
            DayRollup day = new DayRollup(rows, partition, through);
            day.storeForm = new StoreForm(data.clone(), data.length, sumsAt);
            return day;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether {@code data} are this roll-up's store form as it stands: bytes equal to {@link #toBytes()}. */
    boolean isStoredAs(byte[] data) {
        return storeForm != null && Arrays.equals(storeForm.bytes, 0, storeForm.length, data, 0, data.length);
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    /**
     * A roll-up's store form, changed in place as events are counted: the aggregation writes its
     * roll-up back to the store for every event, and a form written from scratch cost about half a
     * microsecond per row each time (a busy account's day has dozens of rows). Counting an event
     * rewrites its row's two sums and the header; a new row is appended. Layout: audit partition
     * (int), through offset (long), rows (int), then per row three nullable strings (a boolean,
     * then {@link DataOutputStream#writeUTF}) and its credits and requests (longs), big-endian.
     */
    private static final class StoreForm {
        private static final int HEADER = 16;
        /** A row's credits and requests, the last bytes of its entry. */
        private static final int SUMS = 16;
        private byte[] bytes;
        private int length;
        private final Map<UsageRow, Integer> sumsAt;

        private StoreForm(byte[] bytes, int length, Map<UsageRow, Integer> sumsAt) {
            this.bytes = bytes;
            this.length = length;
            this.sumsAt = sumsAt;
        }

        static StoreForm of(DayRollup day) {
            StoreForm form = new StoreForm(new byte[HEADER + day.rows.size() * 64], HEADER, new HashMap<>());
            day.rows.forEach(form::append);
            form.header(day);
            return form;
        }

        void counted(DayRollup day, UsageRow row, long[] sum, boolean newRow) {
            if (newRow) {
                append(row, sum);
            } else {
                int at = sumsAt.get(row);
                ByteBuffer.wrap(bytes).putLong(at, sum[0]).putLong(at + 8, sum[1]);
            }
            header(day);
        }

        private void header(DayRollup day) {
            ByteBuffer.wrap(bytes).putInt(0, day.auditPartition).putLong(4, day.throughOffset).putInt(12, day.rows.size());
        }

        private void append(UsageRow row, long[] sum) {
            ByteArrayOutputStream encoded = new ByteArrayOutputStream(64);
            try (DataOutputStream out = new DataOutputStream(encoded)) {
                writeNullable(out, row.endpoint());
                writeNullable(out, row.tokenName());
                writeNullable(out, row.clientLibrary());
                out.writeLong(sum[0]);
                out.writeLong(sum[1]);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (length + encoded.size() > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + encoded.size()));
            }
            System.arraycopy(encoded.toByteArray(), 0, bytes, length, encoded.size());
            length += encoded.size();
            sumsAt.put(row, length - SUMS);
        }

        byte[] copy() {
            return Arrays.copyOf(bytes, length);
        }

        private static void writeNullable(DataOutputStream out, String value) throws IOException {
            out.writeBoolean(value != null);
            if (value != null) {
                out.writeUTF(value);
            }
        }
    }
}
