package io.fleetgate.sim;

import java.util.HexFormat;
import java.util.random.RandomGenerator;

/** Makes the 32-hex-digit transaction ids Tesla puts in error bodies. */
final class TxIds {

    private final RandomGenerator random;

    TxIds(RandomGenerator random) {
        this.random = random;
    }

    String next() {
        HexFormat hex = HexFormat.of();
        synchronized (this) {
            return hex.toHexDigits(random.nextLong()) + hex.toHexDigits(random.nextLong());
        }
    }
}
