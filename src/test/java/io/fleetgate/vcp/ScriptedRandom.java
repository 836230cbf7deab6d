package io.fleetgate.vcp;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/** Hands out queued byte strings first (for known answers), then deterministic bytes. */
public final class ScriptedRandom implements RandomGenerator {
    private final Deque<byte[]> queued = new ArrayDeque<>();
    private final SplittableRandom fallback = new SplittableRandom(7);

    public ScriptedRandom queueHex(String... hex) {
        for (String h : hex) {
            queued.add(HexFormat.of().parseHex(h));
        }
        return this;
    }

    @Override
    public synchronized void nextBytes(byte[] bytes) {
        byte[] next = queued.poll();
        if (next == null) {
            fallback.nextBytes(bytes);
            return;
        }
        if (next.length != bytes.length) {
            throw new IllegalStateException("queued " + next.length + " bytes, asked for " + bytes.length);
        }
        System.arraycopy(next, 0, bytes, 0, bytes.length);
    }

    @Override
    public synchronized long nextLong() {
        return fallback.nextLong();
    }
}
