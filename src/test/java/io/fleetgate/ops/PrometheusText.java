package io.fleetgate.ops;

import java.util.Arrays;

/** Reads values out of a Prometheus text exposition, as a scraper would. */
public final class PrometheusText {
    private final String text;

    public PrometheusText(String text) {
        this.text = text;
    }

    /** The sum of the samples of {@code name} whose labels include all of {@code labels} ("key=value"); -1 when none. */
    public double value(String name, String... labels) {
        double sum = 0;
        boolean found = false;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            String labelPart = line.startsWith(name + "{") ? line.substring(name.length() + 1, line.lastIndexOf('}')) : "";
            boolean matches = Arrays.stream(labels).allMatch(l -> {
                String[] kv = l.split("=", 2);
                return ("," + labelPart + ",").contains("," + kv[0] + "=\"" + kv[1] + "\",");
            });
            if (matches) {
                found = true;
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return found ? sum : -1;
    }

    public boolean has(String name) {
        return value(name) >= 0;
    }

    @Override
    public String toString() {
        return text;
    }
}
