package io.fleetgate.telemetry;

import java.util.List;
import java.util.stream.Collectors;

/** A streaming config refused, with one problem per offending field or key. */
public final class StreamingConfigException extends Exception {
    /** {@code key} is the field name (e.g. {@code BatteryLevel}) or the top-level key at fault. */
    public record Problem(String key, String message) {
    }

    private final List<Problem> problems;

    public StreamingConfigException(List<Problem> problems) {
        super(problems.stream().map(Problem::message).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
