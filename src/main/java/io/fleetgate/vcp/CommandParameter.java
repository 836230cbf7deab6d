package io.fleetgate.vcp;

import java.util.List;

/**
 * One JSON body field of a REST command, as the catalog in {@link Commands} describes it: what
 * values it takes, whether it must be there, and two valid examples that lead to different
 * actions (documentation, and what the tests send for every command).
 *
 * @param name           the field's name in the Fleet API body
 * @param kind           what kind of value it holds
 * @param required       true when a body without it is refused
 * @param min            smallest value (numbers; for {@link Kind#ID} always 1)
 * @param max            largest value (numbers)
 * @param choices        the accepted strings ({@link Kind#CHOICE})
 * @param pattern        a regular expression the text must match ({@link Kind#TEXT}), or null
 * @param otherSpellings other names the same field arrives under (seat heater's {@code heater})
 * @param example        a valid value
 * @param otherExample   another valid value that changes the action
 */
public record CommandParameter(String name, Kind kind, boolean required, double min, double max,
                               List<String> choices, String pattern, List<String> otherSpellings,
                               Object example, Object otherExample) {

    /** The kinds of values a command body field holds. */
    public enum Kind {
        /** a whole number within [min, max]; a numeric string is accepted too */
        INTEGER,
        /** any number within [min, max]; a numeric string is accepted too */
        NUMBER,
        /** true or false (also "true", "false", "1", "0", "on", "off") */
        BOOLEAN,
        /** a string, matching {@code pattern} when there is one */
        TEXT,
        /** one of {@code choices} */
        CHOICE,
        /** day names separated by commas ({@code "Monday,Friday"}, {@code "All"}, {@code "Weekdays"}) or a bit mask 1..127 from Sunday (1) */
        DAYS,
        /** a schedule id: a whole number of at least 1 */
        ID
    }

    public CommandParameter {
        choices = List.copyOf(choices);
        otherSpellings = List.copyOf(otherSpellings);
    }

    static CommandParameter integer(String name, long min, long max) {
        long example = min + (max - min) / 2;
        return new CommandParameter(name, Kind.INTEGER, true, min, max, List.of(), null, List.of(),
                example, example == max ? min : max);
    }

    static CommandParameter number(String name, double min, double max) {
        // halves are exact in a protobuf float, so the examples survive the trip unchanged
        double example = Math.floor((min + max) / 2) + 0.5;
        return new CommandParameter(name, Kind.NUMBER, true, min, max, List.of(), null, List.of(),
                example, max - 0.5);
    }

    static CommandParameter bool(String name) {
        return new CommandParameter(name, Kind.BOOLEAN, true, 0, 1, List.of(), null, List.of(), true, false);
    }

    static CommandParameter text(String name, String pattern, String example, String otherExample) {
        return new CommandParameter(name, Kind.TEXT, true, 0, 0, List.of(), pattern, List.of(), example, otherExample);
    }

    static CommandParameter choice(String name, String... choices) {
        return new CommandParameter(name, Kind.CHOICE, true, 0, 0, List.of(choices), null, List.of(),
                choices[0], choices[choices.length - 1]);
    }

    static CommandParameter days(String name) {
        return new CommandParameter(name, Kind.DAYS, true, 1, 127, List.of(), null, List.of(),
                "Monday,Wednesday", "All");
    }

    static CommandParameter id(String name) {
        return new CommandParameter(name, Kind.ID, true, 1, Long.MAX_VALUE, List.of(), null, List.of(),
                1_700_000_000L, 1_700_000_600L);
    }

    /** The same parameter, not required. */
    CommandParameter optional() {
        return new CommandParameter(name, kind, false, min, max, choices, pattern, otherSpellings, example, otherExample);
    }

    /** The same parameter with other examples (when the derived ones would not change the action). */
    CommandParameter examples(Object first, Object other) {
        return new CommandParameter(name, kind, required, min, max, choices, pattern, otherSpellings, first, other);
    }

    /** The same parameter, also accepted under {@code spelling}. */
    CommandParameter alsoSpelled(String spelling) {
        return new CommandParameter(name, kind, required, min, max, choices, pattern, List.of(spelling), example, otherExample);
    }

    /** One line for documentation: {@code percent (integer 0..100, required)}. */
    public String describe() {
        String what = switch (kind) {
            case INTEGER -> "integer " + (long) min + ".." + (long) max;
            case NUMBER -> "number " + min + ".." + max;
            case BOOLEAN -> "boolean";
            case TEXT -> pattern == null ? "string" : "string matching " + pattern;
            case CHOICE -> String.join(" | ", choices);
            case DAYS -> "day names or mask 1..127";
            case ID -> "schedule id";
        };
        String spellings = otherSpellings.isEmpty() ? "" : ", also spelled " + String.join(", ", otherSpellings);
        return name + " (" + what + (required ? ", required" : ", optional") + spellings + ")";
    }
}
