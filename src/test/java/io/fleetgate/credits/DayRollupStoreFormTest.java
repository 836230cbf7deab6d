package io.fleetgate.credits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A roll-up's state-store form, kept up to date as it counts, and the serde that gives back the
 * roll-up it wrote last instead of decoding its bytes: what is read is always what the bytes say.
 */
class DayRollupStoreFormTest {
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    @Test
    void aStoreFormKeptWhileCountingIsTheFormWrittenFromScratch() {
        Random random = new Random(7);
        List<UsageFields> events = new ArrayList<>();
        DayRollup kept = new DayRollup();
        for (int offset = 0; offset < 2_000; offset++) {
            UsageFields event = event(random);
            events.add(event);
            kept.plus(event, 3, offset);
            if (offset % 3 == 0) {
                kept.toBytes(); // written now and then, as the store's cache writes it
            }
            if (offset == 1_000) {
                kept = DayRollup.fromBytes(kept.toBytes()); // read back from the store, then counted on
            }
        }
        DayRollup fromScratch = new DayRollup();
        for (int offset = 0; offset < events.size(); offset++) {
            fromScratch.plus(events.get(offset), 3, offset);
        }
        assertThat(kept.toBytes()).isEqualTo(fromScratch.toBytes());
        DayRollup read = DayRollup.fromBytes(kept.toBytes());
        assertThat(read.auditPartition()).isEqualTo(3);
        assertThat(read.throughOffset()).isEqualTo(1_999);
        assertThat(read.requests()).isEqualTo(2_000);
        assertThat(read.credits()).isEqualTo(fromScratch.credits());
        assertThat(read.rows()).hasSameSizeAs(fromScratch.rows());
    }

    @Test
    void theRollupWrittenLastIsReadBackAsItIs() {
        DayRollupSerde serde = new DayRollupSerde(1 << 20);
        DayRollup day = new DayRollup().plus(event("GET /api/1/vehicles", "phone"), 0, 41);
        byte[] written = serde.serialize("store", day);

        assertThat(serde.deserialize("store", written)).isSameAs(day);
        assertThat(serde.deserialize("store", written.clone())).as("equal bytes, as restored from the changelog").isSameAs(day);
    }

    @Test
    void bytesOfAStateTheRollupCountedPastAreDecodedAsTheySay() {
        DayRollupSerde serde = new DayRollupSerde(1 << 20);
        DayRollup day = new DayRollup().plus(event("GET /api/1/vehicles", "phone"), 0, 41);
        byte[] before = serde.serialize("store", day);
        day.plus(event("GET /api/1/vehicles", "phone"), 0, 42).plus(event("POST /api/1/vehicles/{vin}/wake_up", null), 0, 43);

        DayRollup read = serde.deserialize("store", before);
        assertThat(read).isNotSameAs(day);
        assertThat(read.throughOffset()).isEqualTo(41);
        assertThat(read.requests()).isEqualTo(1);
        assertThat(read.toBytes()).isEqualTo(before);
        byte[] after = serde.serialize("store", day);
        assertThat(serde.deserialize("store", after)).isSameAs(day);
        assertThat(serde.deserialize("store", before).requests()).as("the older state is still what its bytes say").isEqualTo(1);
    }

    @Test
    void bytesThatDifferFromTheRememberedRollupAreDecoded() {
        DayRollupSerde serde = new DayRollupSerde(1 << 20);
        DayRollup day = new DayRollup().plus(event("GET /api/1/vehicles", "phone"), 2, 7);
        byte[] written = serde.serialize("store", day);
        byte[] other = new DayRollup().plus(event("GET /api/1/vehicles", "laptop"), 2, 7).toBytes(); // same partition and offset

        DayRollup read = serde.deserialize("store", other);
        assertThat(read).isNotSameAs(day);
        assertThat(read.rows().keySet()).extracting(UsageRow::tokenName).containsExactly("laptop");
        assertThat(serde.deserialize("store", written)).isSameAs(day);
    }

    @Test
    void atMostTheGivenBytesAreRememberedTheLeastRecentlyWrittenForgottenFirst() {
        DayRollup first = new DayRollup().plus(event("GET /api/1/vehicles", "phone"), 0, 1);
        long size = DayRollupSerde.heapBytes(first.toBytes().length);
        DayRollupSerde serde = new DayRollupSerde(3 * size);
        byte[] firstBytes = serde.serialize("store", first);
        List<DayRollup> later = new ArrayList<>();
        for (int offset = 2; offset <= 4; offset++) {
            DayRollup day = new DayRollup().plus(event("GET /api/1/vehicles", "phone"), 0, offset);
            serde.serialize("store", day);
            later.add(day);
            assertThat(serde.rememberedBytes()).isLessThanOrEqualTo(3 * size);
        }

        DayRollup read = serde.deserialize("store", firstBytes);
        assertThat(read).as("forgotten, so decoded").isNotSameAs(first);
        assertThat(read.toBytes()).isEqualTo(firstBytes);
        for (DayRollup day : later) {
            assertThat(serde.deserialize("store", day.toBytes())).isSameAs(day);
        }
    }

    @Test
    void aRollupThatCountsOnIsRememberedOnceAtItsNewState() {
        DayRollupSerde serde = new DayRollupSerde(1 << 20);
        DayRollup day = new DayRollup();
        for (int offset = 0; offset < 100; offset++) {
            day = serde.deserialize("store", serde.serialize("store", day.plus(event("GET /api/1/vehicles", "phone"), 0, offset)));
        }
        assertThat(day.requests()).isEqualTo(100);
        assertThat(serde.rememberedBytes()).isEqualTo(DayRollupSerde.heapBytes(day.toBytes().length));
    }

    private static UsageFields event(Random random) {
        String[] endpoints = {"GET /api/1/vehicles", "GET /api/1/vehicles/{vin}/vehicle_data", "POST honk_horn", "POST flash_lights", null};
        String[] tokens = {"phone", "laptop", "Zoë's token", null};
        return new UsageFields("acme", NOW, random.nextInt(3), new UsageRow(endpoints[random.nextInt(endpoints.length)],
                tokens[random.nextInt(tokens.length)], random.nextBoolean() ? "python tesla_fleet_api 1.0" : null));
    }

    private static UsageFields event(String endpoint, String token) {
        return new UsageFields("acme", NOW, 2, new UsageRow(endpoint, token, null));
    }
}
