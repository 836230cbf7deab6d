package io.fleetgate.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The map tile server's origin, as the console's policy allows it, from the operator's URL template. */
class ConsoleFilesTest {

    @Test
    void theTileServersOriginIsItsSchemeHostAndPortWithSubdomainsAsAWildcard() {
        assertThat(ConsoleFiles.tileOrigin("https://tile.openstreetmap.org/{z}/{x}/{y}.png")).isEqualTo("https://tile.openstreetmap.org");
        assertThat(ConsoleFiles.tileOrigin("https://{s}.tile.example.com/osm/{z}/{x}/{y}.png?key=abc"))
                .isEqualTo("https://*.tile.example.com");
        assertThat(ConsoleFiles.tileOrigin("http://127.0.0.1:8081/{z}/{x}/{y}.png")).isEqualTo("http://127.0.0.1:8081");
    }

    @Test
    void aTemplateThatIsNoHttpTileUrlOrCouldWidenThePolicyIsRefused() {
        for (String bad : new String[] {"", "tile.openstreetmap.org/{z}/{x}/{y}.png", "ftp://tiles.example/{z}/{x}/{y}.png",
                "https://tiles.example/{z}/{x}.png", "https://tiles.example; script-src *;/{z}/{x}/{y}.png",
                "https://a.{s}.example/{z}/{x}/{y}.png"}) {
            assertThatThrownBy(() -> ConsoleFiles.tileOrigin(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("fleetgate.console.map-tiles-url");
        }
    }
}
