package io.fleetgate.ids;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Audit event ids and REST command ids are random version-4 UUIDs (what readers dedupe by, what a
 * command's result is matched to), and do not repeat, within a thread or across threads.
 */
class RandomIdsTest {

    @Test
    void idsAreVersionFourAndDoNotRepeat() throws Exception {
        Set<UUID> ids = ConcurrentHashMap.newKeySet();
        try (ExecutorService threads = Executors.newFixedThreadPool(4)) {
            // get() hands a failed assertion on a drawing thread to this one
            for (Future<?> drawn : threads.invokeAll(Collections.nCopies(4, Executors.callable(() -> {
                for (int i = 0; i < 100_000; i++) {
                    UUID id = RandomIds.uuid();
                    assertThat(id.version()).isEqualTo(4);
                    assertThat(id.variant()).isEqualTo(2);
                    ids.add(id);
                }
            })))) {
                drawn.get();
            }
        }
        assertThat(ids).hasSize(400_000);
        UUID sample = RandomIds.uuid();
        assertThat(UUID.fromString(sample.toString())).isEqualTo(sample);
    }
}
