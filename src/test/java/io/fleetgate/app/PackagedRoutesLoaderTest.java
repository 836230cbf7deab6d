package io.fleetgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Camel Main pre-parses every route file before it loads them, to register early what a file
 * defines besides routes; Fleetgate's loader skips that for the packaged routes, which define
 * nothing else, and leaves it to Camel for an operator's routes folder.
 */
class PackagedRoutesLoaderTest {
    private static final String BEANS = """
            - beans:
                - name: greeting
                  type: java.lang.String
                  constructors:
                    0: hello
            """;

    @Test
    void thePackagedRouteFilesDefineRoutesAndRouteConfigurationsOnly() throws Exception {
        Set<String> kinds = new TreeSet<>();
        List<Path> files;
        try (Stream<Path> packaged = Files.list(Path.of("routes"))) {
            files = packaged.filter(p -> p.toString().endsWith(".camel.yaml")).toList();
        }
        assertThat(files).hasSizeGreaterThan(10);
        Load yaml = new Load(LoadSettings.builder().build());
        for (Path file : files) {
            for (Object entry : (List<?>) yaml.loadFromString(Files.readString(file))) {
                kinds.addAll(((Map<?, ?>) entry).keySet().stream().map(Object::toString).toList());
            }
        }
        // what the pre-parse would have registered early (beans, kamelets, ...) is none of these
        assertThat(kinds).containsExactlyInAnyOrder("route", "routeConfiguration");
    }

    @Test
    void aPackagedFileIsNotPreParsedAnOperatorsFileIs() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            PackagedRoutesLoader loader = new PackagedRoutesLoader();
            loader.setCamelContext(context);
            loader.start();

            Resource packaged = ResourceHelper.fromString(Preflight.PACKAGED_ROUTES + "/beans.camel.yaml", BEANS);
            assertThat(PackagedRoutesLoader.isPackaged(packaged)).isTrue();
            loader.preParseRoute(packaged);
            assertThat(context.getRegistry().lookupByName("greeting")).as("a bean the pre-parse would register").isNull();

            Resource operators = ResourceHelper.fromString("file:/etc/fleetgate/routes/beans.camel.yaml", BEANS);
            assertThat(PackagedRoutesLoader.isPackaged(operators)).isFalse();
            loader.preParseRoute(operators);
            assertThat(context.getRegistry().lookupByName("greeting")).isEqualTo("hello");
        }
    }

    @Test
    void camelLooksTheLoaderUpByItsRegistryName() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getRegistry().bind(PackagedRoutesLoader.NAME, new PackagedRoutesLoader());
            assertThat(org.apache.camel.support.PluginHelper.getRoutesLoader(context).getRoutesLoader("yaml"))
                    .isInstanceOf(PackagedRoutesLoader.class);
        }
    }
}
