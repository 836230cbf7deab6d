package io.fleetgate.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Audit event ids are random version-4 UUIDs (what readers dedupe by), and do not repeat. */
class EventIdTest {

    @Test
    void eventIdsAreVersionFourAndDoNotRepeat() {
        Set<UUID> ids = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            UUID id = AuditConfiguration.eventId();
            assertThat(id.version()).isEqualTo(4);
            assertThat(id.variant()).isEqualTo(2);
            ids.add(id);
        }
        assertThat(ids).hasSize(200_000);
        UUID sample = AuditConfiguration.eventId();
        assertThat(UUID.fromString(sample.toString())).isEqualTo(sample);
    }
}
