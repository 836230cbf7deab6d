package io.fleetgate.vcp.crypto;

import java.security.InvalidKeyException;
import java.util.Arrays;

/** Just enough DER to read a SEC1 "EC PRIVATE KEY", which JCA cannot load by itself. */
final class Der {
    static final int SEQUENCE = 0x30;
    static final int INTEGER = 0x02;
    static final int OCTET_STRING = 0x04;
    static final int OID = 0x06;
    static final int CONTEXT_0 = 0xA0;
    /** 1.2.840.10045.3.1.7, prime256v1. */
    static final byte[] P256_OID = {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07};

    record Element(int tag, byte[] value) {
    }

    private final byte[] data;
    private int pos;

    Der(byte[] data) {
        this.data = data;
    }

    boolean hasMore() {
        return pos < data.length;
    }

    Element next() throws InvalidKeyException {
        if (pos + 2 > data.length) {
            throw new InvalidKeyException("truncated DER");
        }
        int tag = data[pos++] & 0xff;
        int length = data[pos++] & 0xff;
        if (length >= 0x80) {
            int octets = length & 0x7f;
            if (octets == 0 || octets > 3 || pos + octets > data.length) {
                throw new InvalidKeyException("bad DER length");
            }
            length = 0;
            for (int i = 0; i < octets; i++) {
                length = (length << 8) | (data[pos++] & 0xff);
            }
        }
        if (pos + length > data.length) {
            throw new InvalidKeyException("truncated DER");
        }
        byte[] value = Arrays.copyOfRange(data, pos, pos + length);
        pos += length;
        return new Element(tag, value);
    }

    Element expect(int tag) throws InvalidKeyException {
        Element element = next();
        if (element.tag() != tag) {
            throw new InvalidKeyException("unexpected DER tag " + Integer.toHexString(element.tag()));
        }
        return element;
    }
}
