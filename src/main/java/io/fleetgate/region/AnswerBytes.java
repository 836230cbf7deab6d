package io.fleetgate.region;

import io.vertx.core.buffer.Buffer;
import java.util.Arrays;

/**
 * An answer's body as its chunks arrive, copied once into an array sized by the answer's
 * Content-Length. Vert.x's own {@code body()} appends to a buffer that starts small and grows, and
 * the bytes are copied once more out of it; on a read that was about 3 % of the event loop.
 */
final class AnswerBytes {
    /** A Content-Length is the host's word: arrays beyond this size grow as the bytes come instead. */
    static final int MOST_SIZED_AHEAD = 1 << 20;
    private static final int WITHOUT_LENGTH = 4096;

    private byte[] bytes;
    private int length;

    AnswerBytes(String contentLength) {
        bytes = new byte[sizeAhead(contentLength)];
    }

    void append(Buffer chunk) {
        int n = chunk.length();
        if (length + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(length + n, bytes.length * 2));
        }
        chunk.getBytes(0, n, bytes, length);
        length += n;
    }

    /** The body as read: exactly the bytes that came, whatever Content-Length said. */
    byte[] bytes() {
        return length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
    }

    private static int sizeAhead(String contentLength) {
        if (contentLength == null) {
            return WITHOUT_LENGTH;
        }
        try {
            long declared = Long.parseLong(contentLength.trim());
            return declared < 0 ? WITHOUT_LENGTH : (int) Math.min(declared, MOST_SIZED_AHEAD);
        } catch (NumberFormatException e) {
            return WITHOUT_LENGTH;
        }
    }
}
