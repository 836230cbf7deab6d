package io.fleetgate.testing;

import java.io.IOException;
import java.io.OutputStream;

/** Writes to two streams: tests that read the log lines keep them on the console too. */
public final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    public Tee(OutputStream a, OutputStream b) {
        this.a = a;
        this.b = b;
    }

    @Override
    public void write(int c) throws IOException {
        a.write(c);
        b.write(c);
    }

    @Override
    public void write(byte[] buf, int off, int len) throws IOException {
        a.write(buf, off, len);
        b.write(buf, off, len);
    }
}
