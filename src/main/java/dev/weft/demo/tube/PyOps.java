package dev.weft.demo.tube;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Python's operators on the values a tube carries, so that the ported noob nodes compute what noob's do: an
 * {@code int} (here any integral {@link Number} or a {@link Boolean}) stays integral through {@code *}, {@code +} and
 * {@code sum} ({@link Long}, or {@link BigInteger} past its range, as Python's ints never overflow); a {@code float}
 * ({@link Double}, {@link Float}) makes the result a {@link Double}; {@code /} is always true division; {@code str * n}
 * repeats. A mix Python refuses fails here too, with Python's message ({@link IllegalArgumentException} for its
 * {@code TypeError}, {@link ArithmeticException} for {@code ZeroDivisionError}). Stateless.
 */
final class PyOps {
    private PyOps() {
    }

    /** Python's {@code a * b}. */
    static Object mul(Object a, Object b) {
        if (isInt(a) && isInt(b)) {
            return normalize(bigOf(a).multiply(bigOf(b)));
        }
        if (isNumber(a) && isNumber(b)) {
            return toDouble(a) * toDouble(b);
        }
        if (isInt(b) && (a instanceof CharSequence || a instanceof Character || a instanceof List<?>)) {
            return repeat(a, toLong(b, "*"));
        }
        if (isInt(a) && (b instanceof CharSequence || b instanceof Character || b instanceof List<?>)) {
            return repeat(b, toLong(a, "*"));
        }
        throw operands("*", a, b);
    }

    /** Python's {@code a + b}. */
    static Object add(Object a, Object b) {
        if (isInt(a) && isInt(b)) {
            return normalize(bigOf(a).add(bigOf(b)));
        }
        if (isNumber(a) && isNumber(b)) {
            return toDouble(a) + toDouble(b);
        }
        if (isText(a) && isText(b)) {
            return a.toString() + b;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            List<Object> out = new ArrayList<>(x);
            out.addAll(y);
            return Collections.unmodifiableList(out);
        }
        throw operands("+", a, b);
    }

    /** Python's {@code a / b}: true division, a float. */
    static double truediv(Object a, Object b) {
        if (!isNumber(a) || !isNumber(b)) {
            throw operands("/", a, b);
        }
        double d = toDouble(b);
        if (d == 0) {
            throw new ArithmeticException("division by zero");
        }
        return toDouble(a) / d;
    }

    /** Python's {@code sum(iterable, start)}. */
    static Object sum(Object iterable, Object start) {
        if (!(iterable instanceof Iterable<?> items)) {
            throw new IllegalArgumentException("'" + typeName(iterable) + "' object is not iterable");
        }
        if (isText(start)) {
            throw new IllegalArgumentException("sum() can't sum strings [use ''.join(seq) instead]");
        }
        Object total = start;
        for (Object item : items) {
            total = add(total, item);
        }
        return total;
    }

    /** {@code "".join(strings)}: every element must be a string (a character counts as one). */
    static String join(Object strings) {
        if (isText(strings)) {
            return strings.toString(); // a str is an iterable of one-letter strs
        }
        if (!(strings instanceof Iterable<?> items)) {
            throw new IllegalArgumentException("can only join an iterable, not '" + typeName(strings) + "'");
        }
        StringBuilder b = new StringBuilder();
        int i = 0;
        for (Object item : items) {
            if (!isText(item)) {
                throw new IllegalArgumentException("sequence item " + i + ": expected str instance, "
                        + typeName(item) + " found");
            }
            b.append(item);
            i++;
        }
        return b.toString();
    }

    /** An integer argument, as Python's {@code range(n)} or {@code "!" * n} takes it. */
    static long toLong(Object v, String what) {
        if (v instanceof Boolean bool) {
            return bool ? 1 : 0;
        }
        if (isInt(v)) {
            return ((Number) v).longValue();
        }
        throw new IllegalArgumentException(what + ": '" + typeName(v) + "' object cannot be interpreted as an "
                + "integer");
    }

    /** A string argument (a {@link Character} counts as a one-letter string). */
    static String toText(Object v, String what) {
        if (isText(v)) {
            return v.toString();
        }
        throw new IllegalArgumentException(what + ": expected str, got '" + typeName(v) + "'");
    }

    static boolean isText(Object v) {
        return v instanceof CharSequence || v instanceof Character;
    }

    static boolean isInt(Object v) {
        return v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
                || v instanceof BigInteger || v instanceof Boolean;
    }

    private static boolean isNumber(Object v) {
        return isInt(v) || v instanceof Double || v instanceof Float;
    }

    private static BigInteger bigOf(Object v) {
        if (v instanceof BigInteger b) {
            return b;
        }
        if (v instanceof Boolean bool) {
            return bool ? BigInteger.ONE : BigInteger.ZERO;
        }
        return BigInteger.valueOf(((Number) v).longValue());
    }

    private static double toDouble(Object v) {
        return v instanceof Boolean bool ? (bool ? 1 : 0) : ((Number) v).doubleValue();
    }

    private static Object normalize(BigInteger b) {
        return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }

    private static Object repeat(Object seq, long times) {
        int n = (int) Math.max(0, Math.min(times, Integer.MAX_VALUE));
        if (seq instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size() * n);
            for (int i = 0; i < n; i++) {
                out.addAll(list);
            }
            return Collections.unmodifiableList(out);
        }
        return seq.toString().repeat(n);
    }

    private static IllegalArgumentException operands(String op, Object a, Object b) {
        return new IllegalArgumentException("unsupported operand type(s) for " + op + ": '" + typeName(a) + "' and '"
                + typeName(b) + "'");
    }

    /** Python's name for a value's type, for messages. */
    static String typeName(Object v) {
        if (v == null) {
            return "NoneType";
        }
        if (isText(v)) {
            return "str";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (isInt(v)) {
            return "int";
        }
        if (v instanceof Double || v instanceof Float) {
            return "float";
        }
        if (v instanceof List<?>) {
            return "list";
        }
        if (v instanceof java.util.Map<?, ?>) {
            return "dict";
        }
        return v.getClass().getSimpleName();
    }
}
