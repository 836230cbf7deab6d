package io.fleetgate.credits;

import java.nio.ByteBuffer;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The roll-ups' state store serde. For every audit event the aggregation reads its day's roll-up
 * from the store and writes it back, so the bytes read are almost always those just written: the
 * roll-ups written last are remembered, and bytes equal to one's store form give that roll-up
 * back instead of decoding every row again. Equal bytes are the only test (the bytes of a state a
 * roll-up has since counted past, or restored bytes that differ, are decoded), so what a read gives
 * never depends on what was remembered. At most about {@code maxBytes} of heap is held by remembered roll-ups (see
 * {@link #heapBytes}), the least recently written forgotten first.
 */
final class DayRollupSerde implements Serde<DayRollup>, Serializer<DayRollup>, Deserializer<DayRollup> {
    private final long maxBytes;
    /** By audit partition and through offset: each offset is counted into one roll-up, so the pair names one state. */
    private final LinkedHashMap<Long, DayRollup> written = new LinkedHashMap<>(64, 0.75f, true);
    private final Map<DayRollup, Remembered> remembered = new IdentityHashMap<>();
    private long bytes;

    private record Remembered(long key, long bytes) {}

    DayRollupSerde(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public synchronized byte[] serialize(String topic, DayRollup day) {
        if (day == null) {
            return null;
        }
        byte[] data = day.toBytes();
        Remembered before = remembered.remove(day);
        if (before != null) { // it counted on since: its old key no longer names its state
            written.remove(before.key());
            bytes -= before.bytes();
        }
        long key = key(day.auditPartition(), day.throughOffset());
        DayRollup replaced = written.put(key, day);
        if (replaced != null) {
            bytes -= remembered.remove(replaced).bytes();
        }
        long heap = heapBytes(data.length);
        remembered.put(day, new Remembered(key, heap));
        bytes += heap;
        for (Iterator<DayRollup> eldest = written.values().iterator(); bytes > maxBytes && eldest.hasNext(); ) {
            DayRollup forgotten = eldest.next();
            eldest.remove();
            bytes -= remembered.remove(forgotten).bytes();
        }
        return data;
    }

    @Override
    public synchronized DayRollup deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length >= 12) {
            ByteBuffer header = ByteBuffer.wrap(data);
            DayRollup candidate = written.get(key(header.getInt(0), header.getLong(4)));
            if (candidate != null && candidate.isStoredAs(data)) {
                return candidate;
            }
        }
        return DayRollup.fromBytes(data);
    }

    /** The heap the remembered roll-ups hold, as {@link #heapBytes} counts it (for tests). */
    synchronized long rememberedBytes() {
        return bytes;
    }

    /**
     * About the heap a decoded roll-up with a store form of this length holds: per row its key,
     * sums and map entries beside its bytes, and its maps (measured: 824 bytes at 1 row, 5.3 KB at
     * 12, 25.7 KB at 60).
     */
    static long heapBytes(int formLength) {
        return 17L * formLength / 4 + 320;
    }

    private static long key(int partition, long offset) {
        return ((long) partition << 48) ^ offset;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // nothing to configure
    }

    @Override
    public void close() {
        // nothing to release
    }

    @Override
    public Serializer<DayRollup> serializer() {
        return this;
    }

    @Override
    public Deserializer<DayRollup> deserializer() {
        return this;
    }
}
