package io.fleetgate.ids;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Random (version 4) UUIDs for ids that must not repeat but need not be unguessable (audit events,
 * streaming's metering events, REST commands): drawn from the thread's generator, not from
 * {@link UUID#randomUUID()}, whose SecureRandom reads under one lock for the whole JVM. In a sleep
 * storm event loops waited 10-30 ms on that lock behind the lanes and the Kafka clients (a JFR
 * recording's monitor waits), holding up every connection on the loop meanwhile; and it cost 0.4 %
 * of a read's CPU.
 */
public final class RandomIds {
    private RandomIds() {
    }

    public static UUID uuid() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new UUID((random.nextLong() & ~0xF000L) | 0x4000L,
                (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L);
    }
}
