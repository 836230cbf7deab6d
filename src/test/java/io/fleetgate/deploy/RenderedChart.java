package io.fleetgate.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** The manifests {@code helm template} renders from the chart in {@code helm/fleetgate}, parsed. */
final class RenderedChart {
    static final Path CHART = Path.of("helm/fleetgate");
    static final Path PRODUCTION_VALUES = Path.of("src/test/resources/deploy/production-values.yaml");
    static final String RELEASE = "fleetgate";
    static final String NAMESPACE = "fleetgate";
    /** helm-java's embedded Helm otherwise assumes Kubernetes 1.20, older than the chart's kubeVersion. */
    static final String KUBE_VERSION = "1.31.0";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final String text;
    private final List<JsonNode> objects;

    private RenderedChart(String text, List<JsonNode> objects) {
        this.text = text;
        this.objects = List.copyOf(objects);
    }

    /** Renders with the chart's own values.yaml, then an optional values file, then --set pairs. */
    static RenderedChart render(Path valuesFile, Map<String, Object> sets) {
        TemplateCommand template = new Helm(CHART).template()
                .withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION);
        if (valuesFile != null) {
            template = template.withValuesFile(valuesFile.toAbsolutePath());
        }
        for (Map.Entry<String, Object> set : sets.entrySet()) {
            template = template.set(set.getKey(), set.getValue());
        }
        return parse(template.call());
    }

    static RenderedChart defaults() {
        return render(null, Map.of());
    }

    static RenderedChart production() {
        return render(PRODUCTION_VALUES, Map.of());
    }

    static RenderedChart parse(String text) {
        List<JsonNode> objects = new ArrayList<>();
        try (var documents = YAML.readerFor(JsonNode.class).<JsonNode>readValues(text)) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document != null && !document.isNull() && !document.isMissingNode() && !document.isEmpty()) {
                    objects.add(document);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("helm template rendered unparsable YAML:\n" + text, e);
        }
        return new RenderedChart(text, objects);
    }

    String text() {
        return text;
    }

    List<JsonNode> objects() {
        return objects;
    }

    List<JsonNode> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    /** The one object of this kind; fails when there are none or several. */
    JsonNode only(String kind) {
        List<JsonNode> found = ofKind(kind);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + ", rendered " + found.size());
        }
        return found.get(0);
    }

    JsonNode deployment() {
        return only("Deployment");
    }

    JsonNode podSpec() {
        return deployment().path("spec").path("template").path("spec");
    }

    JsonNode container() {
        return podSpec().path("containers").get(0);
    }

    JsonNode configMap(String nameSuffix) {
        return ofKind("ConfigMap").stream()
                .filter(c -> c.path("metadata").path("name").asText().endsWith(nameSuffix))
                .findFirst().orElseThrow(() -> new AssertionError("no ConfigMap named *" + nameSuffix));
    }

    /** The fleetgate.* settings the container gets as environment variables from the settings ConfigMap. */
    Map<String, String> settingsEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        configMap("-settings").path("data").properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
        return env;
    }

    /** The camel.* settings of the mounted properties file. */
    Properties camelProperties() {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(configMap("-camel").path("data").path("camel.properties").asText()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    /** The container's env entry of this name, or a missing node. */
    JsonNode env(String name) {
        for (JsonNode entry : container().path("env")) {
            if (name.equals(entry.path("name").asText())) {
                return entry;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    /** The pod's volume of this name, or a missing node. */
    JsonNode volume(String name) {
        for (JsonNode volume : podSpec().path("volumes")) {
            if (name.equals(volume.path("name").asText())) {
                return volume;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    static Map<String, String> labels(JsonNode labels) {
        Map<String, String> map = new LinkedHashMap<>();
        labels.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }
}
