package io.fleetgate.vcp.crypto;

import io.fleetgate.vcp.proto.Signatures.Tag;
import java.io.ByteArrayOutputStream;

/**
 * The metadata TLV that signatures cover: {@code tag || length || value} items in tag order,
 * closed by {@code 0xFF}. Integers are 4 bytes big-endian (unlike protobuf's fixed32).
 */
public final class Metadata {
    private static final int END = Tag.TAG_END_VALUE;

    private final ByteArrayOutputStream items = new ByteArrayOutputStream();
    private int lastTag = -1;

    /** Appends an item; a null value is left out entirely. Tags must not go backwards. */
    public Metadata add(Tag tag, byte[] value) {
        if (value == null) {
            return this;
        }
        int number = tag.getNumber();
        if (number < lastTag) {
            throw new IllegalArgumentException("metadata tag " + tag + " out of order");
        }
        if (value.length > 255) {
            throw new IllegalArgumentException("metadata value for " + tag + " longer than 255 bytes");
        }
        lastTag = number;
        items.write(number);
        items.write(value.length);
        items.writeBytes(value);
        return this;
    }

    /** An unsigned 32-bit value (held in a long), big-endian. */
    public Metadata addUint32(Tag tag, long value) {
        return add(tag, uint32(value));
    }

    /** {@code items || 0xFF}. */
    public byte[] serialized() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(items.size() + 1);
        out.writeBytes(items.toByteArray());
        out.write(END);
        return out.toByteArray();
    }

    /** {@code SHA-256(items || FF)}: the AES-GCM associated data. */
    public byte[] sha256() {
        return Digests.sha256(serialized());
    }

    /** {@code HMAC-SHA256(key, items || FF || message)}. */
    public byte[] hmacSha256(byte[] key, byte[] message) {
        return Digests.hmacSha256(key, serialized(), message);
    }

    static byte[] uint32(long value) {
        if (value < 0 || value > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("not a uint32: " + value);
        }
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }
}
