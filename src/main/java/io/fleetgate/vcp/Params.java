package io.fleetgate.vcp;

import java.util.Map;

/** Typed reads of a REST command's JSON body fields; numbers and booleans may arrive as strings. */
record Params(Map<String, ?> values) {

    float number(String key) {
        Object value = required(key);
        try {
            return value instanceof Number n ? n.floatValue() : Float.parseFloat(value.toString());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number");
        }
    }

    int integer(String key) {
        Object value = required(key);
        try {
            return value instanceof Number n ? Math.toIntExact(n.longValue()) : Integer.parseInt(value.toString().strip());
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(key + " must be an integer");
        }
    }

    int integerOr(String key, int fallback) {
        return values.get(key) == null ? fallback : integer(key);
    }

    int integerIn(String key, int min, int max) {
        int value = integer(key);
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be between " + min + " and " + max);
        }
        return value;
    }

    boolean bool(String key) {
        Object value = required(key);
        if (value instanceof Boolean b) {
            return b;
        }
        return switch (value.toString().strip().toLowerCase()) {
            case "true", "1", "on" -> true;
            case "false", "0", "off" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false");
        };
    }

    boolean boolOr(String key, boolean fallback) {
        return values.get(key) == null ? fallback : bool(key);
    }

    String string(String key, String fallback) {
        Object value = values.get(key);
        return value == null ? fallback : value.toString();
    }

    private Object required(String key) {
        Object value = values.get(key);
        if (value == null) {
            throw new IllegalArgumentException("missing parameter " + key);
        }
        return value;
    }
}
