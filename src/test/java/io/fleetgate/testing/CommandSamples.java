package io.fleetgate.testing;

import io.fleetgate.vcp.CommandParameter;
import io.fleetgate.vcp.Commands;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Valid JSON bodies for every command of the signing catalog, derived from the catalog's own
 * parameter descriptions (each parameter's example), so a command added to the catalog is
 * covered without a hand-kept list.
 */
public final class CommandSamples {

    /** One body for one command, with a label saying which spelling or variation it is. */
    public record Sample(String command, String label, Map<String, Object> body) {
        @Override
        public String toString() {
            return command + (label.isEmpty() ? "" : " [" + label + "]");
        }
    }

    private CommandSamples() {
    }

    /** For every command: a body with every parameter at its example, plus one per other spelling of a field. */
    public static List<Sample> all() {
        List<Sample> samples = new ArrayList<>();
        for (String name : Commands.names()) {
            samples.addAll(of(name));
        }
        return samples;
    }

    /** A command's bodies: every declared parameter (optional ones too) at its example, and each other spelling. */
    public static List<Sample> of(String name) {
        List<Sample> samples = new ArrayList<>();
        Map<String, Object> body = body(name);
        samples.add(new Sample(name, "", body));
        for (CommandParameter parameter : Commands.parameters(name)) {
            for (String spelling : parameter.otherSpellings()) {
                Map<String, Object> respelled = new LinkedHashMap<>(body);
                respelled.put(spelling, respelled.remove(parameter.name()));
                samples.add(new Sample(name, spelling, respelled));
            }
        }
        return samples;
    }

    /** Every declared parameter at its example. */
    public static Map<String, Object> body(String name) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (CommandParameter parameter : Commands.parameters(name)) {
            body.put(parameter.name(), parameter.example());
        }
        return body;
    }

    /** Only the required parameters at their examples. */
    public static Map<String, Object> requiredBody(String name) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (CommandParameter parameter : Commands.parameters(name)) {
            if (parameter.required()) {
                body.put(parameter.name(), parameter.example());
            }
        }
        return body;
    }
}
