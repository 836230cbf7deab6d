package io.fleetgate.vcp;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Typed, checked reads of a REST command's JSON body fields against the command's declared
 * {@link CommandParameter}s; numbers and booleans may arrive as strings. A bad or missing value
 * raises {@link IllegalArgumentException} naming the field; a read of an undeclared field is a
 * catalog bug ({@link IllegalStateException}). A missing optional field reads as 0, false or "".
 */
final class Params {
    private static final Map<String, Integer> DAYS = Map.ofEntries(
            Map.entry("SUN", 1), Map.entry("SUNDAY", 1), Map.entry("MON", 2), Map.entry("MONDAY", 2),
            Map.entry("TUE", 4), Map.entry("TUES", 4), Map.entry("TUESDAY", 4), Map.entry("WED", 8),
            Map.entry("WEDNESDAY", 8), Map.entry("THU", 16), Map.entry("THURS", 16), Map.entry("THURSDAY", 16),
            Map.entry("FRI", 32), Map.entry("FRIDAY", 32), Map.entry("SAT", 64), Map.entry("SATURDAY", 64),
            Map.entry("ALL", 127), Map.entry("WEEKDAYS", 62));

    private final Map<String, ?> values;
    private final Map<String, CommandParameter> declared = new HashMap<>();
    private final Set<String> read = new HashSet<>();

    Params(Map<String, ?> values, Iterable<CommandParameter> parameters) {
        this.values = values;
        for (CommandParameter parameter : parameters) {
            declared.put(parameter.name(), parameter);
        }
    }

    /** The declared parameters the builder read (the catalog's own consistency check). */
    Set<String> read() {
        return Set.copyOf(read);
    }

    boolean has(String key) {
        return value(declared(key)) != null;
    }

    int integer(String key) {
        return Math.toIntExact(whole(key));
    }

    long id(String key) {
        return whole(key);
    }

    float number(String key) {
        return (float) decimal(key);
    }

    /** A number at full precision, for the few double fields of the protocol (a speed limit). */
    double decimal(String key) {
        CommandParameter parameter = declared(key);
        Object value = value(parameter);
        if (value == null) {
            return 0;
        }
        double number;
        try {
            number = value instanceof Number n ? n.doubleValue() : Double.parseDouble(value.toString().strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number");
        }
        if (!Double.isFinite(number) || number < parameter.min() || number > parameter.max()) {
            throw new IllegalArgumentException(key + " must be a number from " + plain(parameter.min()) + " to " + plain(parameter.max()));
        }
        return number;
    }

    boolean bool(String key) {
        Object value = value(declared(key));
        if (value == null || value instanceof Boolean) {
            return Boolean.TRUE.equals(value);
        }
        return switch (value.toString().strip().toLowerCase(Locale.ROOT)) {
            case "true", "1", "on" -> true;
            case "false", "0", "off" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false");
        };
    }

    String text(String key) {
        CommandParameter parameter = declared(key);
        Object value = value(parameter);
        if (value == null) {
            return "";
        }
        if (!(value instanceof String || value instanceof Number)) {
            throw new IllegalArgumentException(key + " must be a string");
        }
        String text = value.toString();
        if (parameter.pattern() != null && !Pattern.matches(parameter.pattern(), text)) {
            throw new IllegalArgumentException(key + " must match " + parameter.pattern());
        }
        if (parameter.kind() == CommandParameter.Kind.CHOICE && !parameter.choices().contains(text)) {
            throw new IllegalArgumentException(key + " must be one of " + String.join(", ", parameter.choices()));
        }
        return text;
    }

    /** A CHOICE parameter: its value, or the first choice when it is optional and missing. */
    String choice(String key) {
        CommandParameter parameter = declared(key);
        return value(parameter) == null ? parameter.choices().getFirst() : text(key);
    }

    /** Day names ("Monday,Friday", "All", "Weekdays") or a mask 1..127, as the Sunday-first bit mask. */
    int days(String key) {
        CommandParameter parameter = declared(key);
        Object value = value(parameter);
        if (value == null) {
            return 0;
        }
        if (value instanceof Number || value.toString().strip().matches("\\d+")) {
            return integer(key);
        }
        int mask = 0;
        for (String day : value.toString().split(",")) {
            Integer bit = DAYS.get(day.strip().toUpperCase(Locale.ROOT));
            if (bit == null) {
                throw new IllegalArgumentException(key + " must be day names (Sunday..Saturday, All, Weekdays) separated by commas");
            }
            mask |= bit;
        }
        return mask;
    }

    private long whole(String key) {
        CommandParameter parameter = declared(key);
        Object value = value(parameter);
        if (value == null) {
            return 0;
        }
        long number;
        try {
            BigDecimal decimal = value instanceof Number n ? new BigDecimal(n.toString()) : new BigDecimal(value.toString().strip());
            number = decimal.longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(key + " must be a whole number");
        }
        if (parameter.kind() == CommandParameter.Kind.ID && number < 1) {
            throw new IllegalArgumentException(key + " must be a whole number of at least 1");
        }
        if (number < parameter.min() || number > parameter.max()) {
            throw new IllegalArgumentException(key + " must be a whole number from " + plain(parameter.min())
                    + " to " + plain(parameter.max()));
        }
        return number;
    }

    private CommandParameter declared(String key) {
        CommandParameter parameter = declared.get(key);
        if (parameter == null) {
            throw new IllegalStateException("the catalog does not declare " + key);
        }
        read.add(key);
        return parameter;
    }

    /** The value under the name or another spelling; two spellings that disagree are refused. */
    private Object value(CommandParameter parameter) {
        Object value = values.get(parameter.name());
        for (String spelling : parameter.otherSpellings()) {
            Object other = values.get(spelling);
            if (other != null && value != null && !other.toString().equals(value.toString())) {
                throw new IllegalArgumentException(parameter.name() + " and " + spelling + " disagree");
            }
            value = value == null ? other : value;
        }
        if (value == null && parameter.required()) {
            String also = parameter.otherSpellings().isEmpty() ? "" : " (or " + String.join(", ", parameter.otherSpellings()) + ")";
            throw new IllegalArgumentException("missing parameter " + parameter.name() + also);
        }
        return value;
    }

    private static String plain(double bound) {
        return bound == Math.rint(bound) && Math.abs(bound) < 1e15 ? Long.toString((long) bound) : Double.toString(bound);
    }
}
