package io.fleetgate.ids;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Audit event ids and REST command ids are random version-4 UUIDs (what readers dedupe by, what a
 * command's result is matched to), and do not repeat, within a thread or across threads.
 */
class RandomIdsTest {

    @Test
    void idsAreVersionFourAndDoNotRepeat() {
        Set<UUID> ids = ConcurrentHashMap.newKeySet();
        List<Thread> threads = IntStream.range(0, 4).mapToObj(t -> Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 100_000; i++) {
                UUID id = RandomIds.uuid();
                assertThat(id.version()).isEqualTo(4);
                assertThat(id.variant()).isEqualTo(2);
                ids.add(id);
            }
        })).toList();
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        assertThat(ids).hasSize(400_000);
        UUID sample = RandomIds.uuid();
        assertThat(UUID.fromString(sample.toString())).isEqualTo(sample);
    }
}
