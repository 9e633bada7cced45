package dev.weft.cli;

import dev.weft.tube.Signals;
import java.lang.reflect.Array;
import java.util.Map;

/**
 * A tube's return value as one line of JSON, spaced as Python's {@code json.dumps} ({@code {"a": 1, "b": [2, 3]}}),
 * so that {@code ./weft tube run} prints what {@code noob run} does. Maps, lists, arrays, strings, numbers, booleans
 * and null are JSON's own; {@link Signals} print as their map; anything else (an epoch, an asset such as a counter)
 * as the string of its {@code toString()}, so a line is always valid JSON. Non-finite floats print as Python does
 * ({@code NaN}, {@code Infinity}). Stateless.
 */
final class JsonLine {
    private JsonLine() {
    }

    static String of(Object value) {
        StringBuilder b = new StringBuilder();
        write(b, value);
        return b.toString();
    }

    private static void write(StringBuilder b, Object v) {
        switch (v) {
            case null -> b.append("null");
            case Boolean bool -> b.append(bool);
            case Double d when d.isNaN() -> b.append("NaN");
            case Double d when d.isInfinite() -> b.append(d > 0 ? "Infinity" : "-Infinity");
            case Number n -> b.append(n);
            case CharSequence s -> string(b, s.toString());
            case Character c -> string(b, c.toString());
            case Signals s -> write(b, s.values());
            case Map<?, ?> m -> {
                b.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    b.append(first ? "" : ", ");
                    first = false;
                    string(b, String.valueOf(e.getKey()));
                    b.append(": ");
                    write(b, e.getValue());
                }
                b.append('}');
            }
            case Iterable<?> items -> {
                b.append('[');
                boolean first = true;
                for (Object item : items) {
                    b.append(first ? "" : ", ");
                    first = false;
                    write(b, item);
                }
                b.append(']');
            }
            default -> {
                if (v.getClass().isArray()) {
                    b.append('[');
                    for (int i = 0; i < Array.getLength(v); i++) {
                        b.append(i == 0 ? "" : ", ");
                        write(b, Array.get(v, i));
                    }
                    b.append(']');
                } else {
                    string(b, v.toString());
                }
            }
        }
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
