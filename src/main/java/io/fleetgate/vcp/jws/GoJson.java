package io.fleetgate.vcp.jws;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * JSON written byte for byte as Go's {@code encoding/json} writes a {@code map[string]interface{}}
 * that {@code json.Unmarshal} produced (Go 1.22 and later), which is what Tesla's {@code tesla-jws}
 * and {@code tesla-http-proxy} sign: object keys sorted by their UTF-8 bytes, no whitespace, every
 * number a float64 in Go's shortest form ({@code 1}, {@code 0.5}, {@code 1e+21}, {@code 1e-7}),
 * and strings escaped with Go's HTML-safe rules ({@code <}, {@code >}, {@code &}, U+2028 and
 * U+2029 as {@code \\uXXXX}). Identical claims then give an identical token.
 */
final class GoJson {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private GoJson() {
    }

    static byte[] marshal(JsonNode node) {
        StringBuilder out = new StringBuilder();
        write(node, out);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void write(JsonNode node, StringBuilder out) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
                node.fields().forEachRemaining(entries::add);
                entries.sort((a, b) -> compareUtf8(a.getKey(), b.getKey()));
                out.append('{');
                for (int i = 0; i < entries.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    string(entries.get(i).getKey(), out);
                    out.append(':');
                    write(entries.get(i).getValue(), out);
                }
                out.append('}');
            }
            case ARRAY -> {
                out.append('[');
                Iterator<JsonNode> elements = node.elements();
                for (int i = 0; elements.hasNext(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(elements.next(), out);
                }
                out.append(']');
            }
            case STRING -> string(node.textValue(), out);
            case NUMBER -> out.append(number(node.doubleValue()));
            case BOOLEAN -> out.append(node.booleanValue());
            case NULL -> out.append("null");
            default -> throw new IllegalArgumentException("not JSON data: " + node.getNodeType());
        }
    }

    /**
     * A float64 as Go's float encoder writes it: shortest round-trip digits, plain notation unless
     * |f| < 1e-6 or |f| >= 1e21, then exponent form with a sign and no zero padding.
     */
    static String number(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("number out of float64 range: " + value);
        }
        if (value == 0) {
            return Double.doubleToRawLongBits(value) < 0 ? "-0" : "0";
        }
        BigDecimal shortest = new BigDecimal(Double.toString(value)).stripTrailingZeros();
        if (shortest.precision() == 2) {
            // Java writes two digits where one would do if two are closer (subnormals); Go writes one
            BigDecimal oneDigit = new BigDecimal(value).round(new MathContext(1, RoundingMode.HALF_EVEN));
            if (Double.parseDouble(oneDigit.toString()) == value) {
                shortest = oneDigit.stripTrailingZeros();
            }
        }
        double magnitude = Math.abs(value);
        if (magnitude >= 1e-6 && magnitude < 1e21) {
            return shortest.toPlainString();
        }
        String digits = shortest.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - shortest.scale();
        StringBuilder out = new StringBuilder();
        if (value < 0) {
            out.append('-');
        }
        out.append(digits.charAt(0));
        if (digits.length() > 1) {
            out.append('.').append(digits, 1, digits.length());
        }
        return out.append('e').append(exponent < 0 ? '-' : '+').append(Math.abs(exponent)).toString();
    }

    private static void string(String value, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < value.length(); ) {
            int codePoint = value.codePointAt(i);
            i += Character.charCount(codePoint);
            switch (codePoint) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '<', '>', '&', 0x2028, 0x2029 -> unicodeEscape(codePoint, out);
                default -> {
                    if (codePoint < 0x20) {
                        unicodeEscape(codePoint, out);
                    } else if (codePoint <= 0xFFFF && Character.isSurrogate((char) codePoint)) {
                        // Go's decoder turned a lone surrogate into U+FFFD before it re-encoded
                        out.append('\uFFFD');
                    } else {
                        out.appendCodePoint(codePoint);
                    }
                }
            }
        }
        out.append('"');
    }

    private static void unicodeEscape(int codePoint, StringBuilder out) {
        out.append("\\u")
                .append(HEX[(codePoint >> 12) & 0xF]).append(HEX[(codePoint >> 8) & 0xF])
                .append(HEX[(codePoint >> 4) & 0xF]).append(HEX[codePoint & 0xF]);
    }

    /** Go's strings.Compare: byte order of UTF-8, which is code point order. */
    private static int compareUtf8(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
