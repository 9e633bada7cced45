package dev.weft.cluster;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The value codec between cluster members: {@link #encode} turns a value of {@link WireTypes allowed types} into CBOR
 * bytes, {@link #decode} turns them back into a value of exactly the same classes.
 *
 * <p>Encoding first walks the whole value and refuses, with a {@link WireException}, anything the allow-list does not
 * hold, a cycle, or nesting deeper than {@value #MAX_DEPTH} levels, before it writes a byte; the message names where
 * the value was going, the path inside it ({@code value.items[3].owner}, {@code value{"k"}}), the class and how to
 * allow it. Decoding looks every class the bytes name up in this side's allow-list by name ({@link WireTypes#named}),
 * never loads a class by name, and refuses one it does not hold before building anything.
 *
 * <p>The format is Weft's own type tags on Jackson's CBOR streaming generator and parser: {@code [1, value]}, where a
 * value is CBOR null, a boolean, a text string ({@code String}), a byte string ({@code byte[]}), a whole number
 * ({@code Integer}), a double ({@code Double}), or an array {@code [kind, ...]} whose first element says what it is:
 * {@code [1, n]} a {@code Long}, {@code [2, n]} a {@code Short}, {@code [3, n]} a {@code Byte}, {@code [4, f]} a
 * {@code Float}, {@code [5, n]} a {@code Character}, {@code [6, bytes]} a {@code BigInteger}, {@code [7, scale,
 * bytes]} a {@code BigDecimal}, {@code [8, seconds, nanos]} an {@code Instant}, {@code [9, seconds, nanos]} a
 * {@code Duration}, {@code [10, e...]} a list, {@code [11, e...]} a set, {@code [12, k, v, ...]} a map,
 * {@code [13, class, name]} an enum constant, {@code [14, class, component...]} a record and {@code [15, class,
 * {properties}]} a Jackson bean (its properties written and read by this Wire's {@link CBORMapper}, whose
 * {@link PolymorphicTypeValidator} admits only allowed classes should a bean carry Jackson type ids of its own).
 * Lists, sets and maps come back as mutable {@link ArrayList}, {@link LinkedHashSet} and {@link LinkedHashMap} in the
 * sender's iteration order.
 *
 * <p>Thread safe: one mapper per instance, caches of record and bean shapes in concurrent maps; used from many virtual
 * threads at once.
 */
final class Wire {
    /** How deep values may nest: deeper ones are refused rather than risk overflowing a stack on either side. */
    static final int MAX_DEPTH = 256;

    private static final int FORMAT = 1;

    // Tagged kinds: the first element of a [kind, ...] array.
    private static final int LONG = 1;
    private static final int SHORT = 2;
    private static final int BYTE = 3;
    private static final int FLOAT = 4;
    private static final int CHAR = 5;
    private static final int BIG_INTEGER = 6;
    private static final int BIG_DECIMAL = 7;
    private static final int INSTANT = 8;
    private static final int DURATION = 9;
    private static final int LIST = 10;
    private static final int SET = 11;
    private static final int MAP = 12;
    private static final int ENUM = 13;
    private static final int RECORD = 14;
    private static final int BEAN = 15;
    // Native kinds: plain CBOR items, never written as tags.
    private static final int NULL = 20;
    private static final int STRING = 21;
    private static final int BOOLEAN = 22;
    private static final int INTEGER = 23;
    private static final int DOUBLE = 24;
    private static final int BYTES = 25;
    private static final int REFUSED = -1;

    /** Class names a bean's own Jackson type ids may name besides the added types: plain data, nothing else. */
    private static final Set<String> JACKSON_SAFE = Set.of("java.lang.String", "java.lang.Boolean",
            "java.lang.Character", "java.lang.Byte", "java.lang.Short", "java.lang.Integer", "java.lang.Long",
            "java.lang.Float", "java.lang.Double", "java.math.BigInteger", "java.math.BigDecimal",
            "java.util.ArrayList", "java.util.LinkedList", "java.util.HashMap", "java.util.LinkedHashMap",
            "java.util.TreeMap", "java.util.HashSet", "java.util.LinkedHashSet", "java.util.TreeSet");

    private final WireTypes types;
    private final CBORMapper mapper;
    private final CBORFactory factory;
    private final Map<Class<?>, RecordShape> records = new ConcurrentHashMap<>();
    private final Map<Class<?>, List<BeanProperty>> beans = new ConcurrentHashMap<>();
    private final Map<Class<?>, Map<String, Object>> enums = new ConcurrentHashMap<>();

    /** A codec for values of these types. */
    Wire(WireTypes types) {
        this.types = Objects.requireNonNull(types, "types");
        CBORFactory f = CBORFactory.builder()
                // Buffers pooled per Wire, not per thread: virtual threads are many and short-lived.
                .recyclerPool(JsonRecyclerPools.newConcurrentDequePool())
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(2 * MAX_DEPTH + 16).build())
                .disable(CBORGenerator.Feature.WRITE_MINIMAL_DOUBLES)
                .build();
        this.mapper = CBORMapper.builder(f).polymorphicTypeValidator(new AllowList(types)).build();
        this.factory = f;
    }

    /** The types this codec allows. */
    WireTypes types() {
        return types;
    }

    /**
     * The CBOR bytes of {@code value}.
     *
     * @param where what the value is, for messages: "input 'url' of operation 'fetch' in context 'ctx-3'"
     * @throws WireException naming {@code where}, the path and the class, if the value holds a class not allowed, a
     *                       cycle, or nests too deep (nothing is serialised then), or if it changed while being written
     */
    byte[] encode(Object value, String where) {
        Objects.requireNonNull(where, "where");
        try {
            walk(value, 0, new Walk(false));
        } catch (Refusal r) {
            throw refused(where, r);
        } catch (WireException e) {
            throw e;
        } catch (RuntimeException e) { // a collection changed while iterated, say
            throw new WireException(where + " could not be checked for the wire: " + e, e);
        }
        ByteArrayBuilder out = new ByteArrayBuilder(128);
        try (CBORGenerator g = factory.createGenerator(out)) {
            g.writeStartArray(null, 2);
            g.writeNumber(FORMAT);
            write(g, value, where);
            g.writeEndArray();
        } catch (IOException | RuntimeException e) {
            if (e instanceof WireException w) {
                throw w;
            }
            // Text that is not valid Unicode (an unpaired surrogate) is the one thing the walk lets through that
            // CBOR's UTF-8 cannot carry: walk again, checking strings, to name where it is.
            try {
                walk(value, 0, new Walk(true));
            } catch (Refusal r) {
                throw refused(where, r);
            }
            throw new WireException(where + " could not be encoded for the wire: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /**
     * The value {@code bytes} encode, of exactly the classes that were sent.
     *
     * @param where what the value is, for messages
     * @throws WireException naming {@code where}, the path and the class, if the bytes name a class this side does not
     *                       allow (nothing is instantiated), or are not a value {@link #encode} wrote
     */
    Object decode(byte[] bytes, String where) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(where, "where");
        try (JsonParser p = factory.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_ARRAY || p.nextToken() != JsonToken.VALUE_NUMBER_INT
                    || p.getNumberType() != JsonParser.NumberType.INT || p.getIntValue() != FORMAT) {
                throw new Refusal("is not a value Weft's wire format " + FORMAT + " wrote");
            }
            Object value = read(p, p.nextToken(), 0);
            if (p.nextToken() != JsonToken.END_ARRAY || p.nextToken() != null) {
                throw new Refusal("is followed by bytes that are not part of it");
            }
            return value;
        } catch (Refusal r) {
            throw new WireException(where + " could not be decoded: " + path(r) + " " + r.text, r.getCause());
        } catch (IOException | RuntimeException e) {
            throw new WireException(where + " could not be decoded: the bytes are not a value Weft's wire format "
                    + FORMAT + " wrote (" + e.getMessage() + ")", e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Classifying

    /** The kind {@code v} crosses as, or {@link #REFUSED}. */
    private int kind(Object v) {
        if (v == null) {
            return NULL;
        }
        Class<?> c = v.getClass();
        if (c == String.class) {
            return STRING;
        } else if (c == Long.class) {
            return LONG;
        } else if (c == Integer.class) {
            return INTEGER;
        } else if (c == Boolean.class) {
            return BOOLEAN;
        } else if (c == Double.class) {
            return DOUBLE;
        } else if (c == byte[].class) {
            return BYTES;
        } else if (c == Short.class) {
            return SHORT;
        } else if (c == Byte.class) {
            return BYTE;
        } else if (c == Float.class) {
            return FLOAT;
        } else if (c == Character.class) {
            return CHAR;
        } else if (c == BigInteger.class) {
            return BIG_INTEGER;
        } else if (c == BigDecimal.class) {
            return BIG_DECIMAL;
        } else if (c == Instant.class) {
            return INSTANT;
        } else if (c == Duration.class) {
            return DURATION;
        } else if (v instanceof List) {
            return LIST;
        } else if (v instanceof Set) {
            return SET;
        } else if (v instanceof Map) {
            return MAP;
        } else if (v instanceof Enum<?> e) {
            return types.named(e.getDeclaringClass().getName()) == e.getDeclaringClass() ? ENUM : REFUSED;
        } else if (types.named(c.getName()) == c) {
            return c.isRecord() ? RECORD : BEAN;
        }
        return REFUSED;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The walk before encoding

    /** The containers open on the path from the root (by depth), to find cycles; and whether to check strings. */
    private static final class Walk {
        Object[] open = new Object[8];
        final boolean strings;

        Walk(boolean strings) {
            this.strings = strings;
        }
    }

    private void walk(Object v, int depth, Walk w) throws Refusal {
        switch (kind(v)) {
            case REFUSED -> throw new Refusal(notAllowed(v));
            case STRING -> {
                if (w.strings) {
                    int at = unpairedSurrogate((String) v);
                    if (at >= 0) {
                        throw new Refusal("is a String with an unpaired surrogate at index " + at + ": text that is"
                                + " not valid Unicode cannot cross as UTF-8; send it as byte[] instead");
                    }
                }
            }
            case LIST, SET -> {
                open(v, depth, w);
                int i = 0;
                for (Object e : (Collection<?>) v) {
                    try {
                        walk(e, depth + 1, w);
                    } catch (Refusal r) {
                        throw r.at("[" + i + "]");
                    }
                    i++;
                }
            }
            case MAP -> {
                open(v, depth, w);
                int i = 0;
                for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                    try {
                        walk(e.getKey(), depth + 1, w);
                    } catch (Refusal r) {
                        throw r.at("{key #" + i + "}");
                    }
                    try {
                        walk(e.getValue(), depth + 1, w);
                    } catch (Refusal r) {
                        throw r.at(keySegment(e.getKey(), i));
                    }
                    i++;
                }
            }
            case RECORD -> {
                open(v, depth, w);
                RecordShape shape = recordShape(v.getClass());
                for (int i = 0; i < shape.accessors.length; i++) {
                    try {
                        walk(shape.get(v, i), depth + 1, w);
                    } catch (Refusal r) {
                        throw r.at("." + shape.names[i]);
                    }
                }
            }
            case BEAN -> {
                open(v, depth, w);
                for (BeanProperty p : beanShape(v.getClass())) {
                    try {
                        walk(p.get(v), depth + 1, w);
                    } catch (Refusal r) {
                        throw r.at("." + p.name);
                    }
                }
            }
            default -> {
                // a scalar of a built-in type
            }
        }
    }

    /** Records {@code v} as open at {@code depth}, refusing it if it is open already (a cycle) or too deep. */
    private static void open(Object v, int depth, Walk w) throws Refusal {
        if (depth >= MAX_DEPTH) {
            throw new Refusal("is nested more than " + MAX_DEPTH + " levels deep; the wire refuses deeper values");
        }
        for (int i = 0; i < depth; i++) {
            if (w.open[i] == v) {
                Refusal r = new Refusal(null);
                r.cycleTo = i;
                throw r;
            }
        }
        if (depth == w.open.length) {
            w.open = Arrays.copyOf(w.open, 2 * depth);
        }
        w.open[depth] = v;
    }

    private static int unpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            } else if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /** What is wrong with {@code v}, a value of a class not allowed, and how to allow it where it can be. */
    private String notAllowed(Object v) {
        Class<?> c = v instanceof Enum<?> e ? e.getDeclaringClass() : v.getClass();
        if (v instanceof BigInteger || v instanceof BigDecimal) {
            String base = v instanceof BigInteger ? "BigInteger" : "BigDecimal";
            return "is a " + c.getName() + ", a subclass of " + base + "; only " + base + " itself crosses (copy it"
                    + " into a plain " + base + ")";
        }
        String why = WireTypes.whyNot(c);
        if (why != null) {
            return "is a " + c.getName() + ", which no WireTypes can allow: " + why;
        }
        return "is a " + c.getName() + ", which this cluster's WireTypes does not allow; if both sides know and"
                + " trust it, allow it on both with WireTypes.withType(" + codeName(c) + ".class) in ClusterOptions";
    }

    private static String codeName(Class<?> c) {
        return c.getCanonicalName() != null ? c.getCanonicalName() : c.getName();
    }

    /** The path segment of the value under {@code key}, the {@code i}th key: {@code {"k"}}, {@code {42}}. */
    static String keySegment(Object key, int i) {
        if (key instanceof String s) {
            String shown = s.length() > 40 ? s.substring(0, 40) + "…" : s;
            return "{\"" + shown.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
        } else if (key instanceof Number || key instanceof Boolean || key instanceof Character) {
            return "{" + key + "}";
        } else if (key instanceof Enum<?> e) {
            return "{" + e.getDeclaringClass().getSimpleName() + "." + e.name() + "}";
        }
        return "{key #" + i + "}";
    }

    private static WireException refused(String where, Refusal r) {
        String path = path(r);
        String text = r.text;
        if (r.cycleTo >= 0) {
            String to = "value" + String.join("", r.segments.stream().limit(r.cycleTo).toList());
            text = "refers back to " + to + ", which contains it (a cycle); the wire carries trees of values, not"
                    + " graphs: break the cycle, or send ids instead of references";
        }
        return new WireException(where + " may not cross the wire: " + path + " " + text, r.getCause());
    }

    private static String path(Refusal r) {
        return "value" + String.join("", r.segments);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Writing

    private void write(CBORGenerator g, Object v, String where) throws IOException {
        switch (kind(v)) {
            case NULL -> g.writeNull();
            case STRING -> g.writeString((String) v);
            case BOOLEAN -> g.writeBoolean((Boolean) v);
            case INTEGER -> g.writeNumber((int) (Integer) v);
            case DOUBLE -> g.writeNumber((double) (Double) v);
            case BYTES -> g.writeBinary((byte[]) v);
            case LONG -> {
                tag(g, LONG, 2);
                g.writeNumber((long) (Long) v);
                g.writeEndArray();
            }
            case SHORT -> {
                tag(g, SHORT, 2);
                g.writeNumber((int) (Short) v);
                g.writeEndArray();
            }
            case BYTE -> {
                tag(g, BYTE, 2);
                g.writeNumber((int) (Byte) v);
                g.writeEndArray();
            }
            case FLOAT -> {
                tag(g, FLOAT, 2);
                g.writeNumber((float) (Float) v);
                g.writeEndArray();
            }
            case CHAR -> {
                tag(g, CHAR, 2);
                g.writeNumber((int) (Character) v);
                g.writeEndArray();
            }
            case BIG_INTEGER -> {
                tag(g, BIG_INTEGER, 2);
                g.writeBinary(((BigInteger) v).toByteArray());
                g.writeEndArray();
            }
            case BIG_DECIMAL -> {
                BigDecimal d = (BigDecimal) v;
                tag(g, BIG_DECIMAL, 3);
                g.writeNumber(d.scale());
                g.writeBinary(d.unscaledValue().toByteArray());
                g.writeEndArray();
            }
            case INSTANT -> {
                Instant t = (Instant) v;
                tag(g, INSTANT, 3);
                g.writeNumber(t.getEpochSecond());
                g.writeNumber(t.getNano());
                g.writeEndArray();
            }
            case DURATION -> {
                Duration d = (Duration) v;
                tag(g, DURATION, 3);
                g.writeNumber(d.getSeconds());
                g.writeNumber(d.getNano());
                g.writeEndArray();
            }
            case LIST, SET -> {
                Collection<?> c = (Collection<?>) v;
                // Indefinite length: a collection changed by another thread since the walk must not break the count.
                g.writeStartArray();
                g.writeNumber(v instanceof List ? LIST : SET);
                for (Object e : c) {
                    write(g, e, where);
                }
                g.writeEndArray();
            }
            case MAP -> {
                g.writeStartArray();
                g.writeNumber(MAP);
                for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                    write(g, e.getKey(), where);
                    write(g, e.getValue(), where);
                }
                g.writeEndArray();
            }
            case ENUM -> {
                Enum<?> e = (Enum<?>) v;
                tag(g, ENUM, 3);
                g.writeString(e.getDeclaringClass().getName());
                g.writeString(e.name());
                g.writeEndArray();
            }
            case RECORD -> {
                RecordShape shape = recordShape(v.getClass());
                tag(g, RECORD, 2 + shape.accessors.length);
                g.writeString(v.getClass().getName());
                for (int i = 0; i < shape.accessors.length; i++) {
                    try {
                        write(g, shape.get(v, i), where);
                    } catch (Refusal r) {
                        throw new WireException(where + " could not be encoded: " + r.text, r.getCause());
                    }
                }
                g.writeEndArray();
            }
            case BEAN -> {
                tag(g, BEAN, 3);
                g.writeString(v.getClass().getName());
                mapper.writeValue(g, v);
                g.writeEndArray();
            }
            default -> throw new WireException(where + " changed while it was being sent: it now holds a "
                    + v.getClass().getName() + ", which may not cross the wire (values must not change while sent)");
        }
    }

    private static void tag(CBORGenerator g, int kind, int size) throws IOException {
        g.writeStartArray(null, size);
        g.writeNumber(kind);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Reading

    private Object read(JsonParser p, JsonToken t, int depth) throws IOException, Refusal {
        if (t == null) {
            throw new Refusal("ends early: the bytes are cut short");
        }
        return switch (t) {
            case VALUE_NULL -> null;
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> {
                if (p.getNumberType() != JsonParser.NumberType.INT) {
                    throw new Refusal("is a whole number beyond Integer's range without a type tag");
                }
                yield p.getIntValue();
            }
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            // a fresh array each time: Jackson hands every empty byte string the same shared array, and two arrays
            // that were distinct when sent (in a set, say) must arrive distinct
            case VALUE_EMBEDDED_OBJECT -> p.getBinaryValue().clone();
            case START_ARRAY -> tagged(p, depth);
            default -> throw new Refusal("is a " + t + ", which Weft's wire format never writes");
        };
    }

    private Object tagged(JsonParser p, int depth) throws IOException, Refusal {
        int kind = nextInt(p);
        if (kind >= LIST && kind != ENUM && depth >= MAX_DEPTH) { // as the walk counts: containers only
            throw new Refusal("is nested more than " + MAX_DEPTH + " levels deep");
        }
        Object v;
        switch (kind) {
            case LONG -> v = nextLong(p);
            case SHORT -> v = (short) nextInt(p, Short.MIN_VALUE, Short.MAX_VALUE);
            case BYTE -> v = (byte) nextInt(p, Byte.MIN_VALUE, Byte.MAX_VALUE);
            case CHAR -> v = (char) nextInt(p, Character.MIN_VALUE, Character.MAX_VALUE);
            case FLOAT -> {
                if (p.nextToken() != JsonToken.VALUE_NUMBER_FLOAT) {
                    throw new Refusal("is a Float without a floating-point number");
                }
                v = p.getFloatValue();
            }
            case BIG_INTEGER -> v = bigInteger(p);
            case BIG_DECIMAL -> {
                int scale = nextInt(p);
                v = new BigDecimal(bigInteger(p), scale);
            }
            case INSTANT, DURATION -> {
                long seconds = nextLong(p);
                int nanos = nextInt(p, 0, 999_999_999);
                try {
                    v = kind == INSTANT ? Instant.ofEpochSecond(seconds, nanos) : Duration.ofSeconds(seconds, nanos);
                } catch (DateTimeException | ArithmeticException e) {
                    throw new Refusal("is out of range for " + (kind == INSTANT ? "Instant" : "Duration"), e);
                }
            }
            case LIST, SET -> {
                Collection<Object> c = kind == LIST ? new ArrayList<>() : new LinkedHashSet<>();
                JsonToken t;
                int i = 0;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    try {
                        c.add(read(p, t, depth + 1));
                    } catch (Refusal r) {
                        throw r.at("[" + i + "]");
                    }
                    i++;
                }
                return c;
            }
            case MAP -> {
                Map<Object, Object> m = new LinkedHashMap<>();
                JsonToken t;
                int i = 0;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    Object key;
                    try {
                        key = read(p, t, depth + 1);
                    } catch (Refusal r) {
                        throw r.at("{key #" + i + "}");
                    }
                    try {
                        m.put(key, read(p, p.nextToken(), depth + 1));
                    } catch (Refusal r) {
                        throw r.at(keySegment(key, i));
                    }
                    i++;
                }
                return m;
            }
            case ENUM -> {
                Class<?> c = allowed(nextString(p), "an enum");
                if (!c.isEnum()) {
                    throw new Refusal("names " + c.getName() + " as an enum, which it is not here");
                }
                String name = nextString(p);
                v = enumConstants(c).get(name);
                if (v == null) {
                    throw new Refusal("is " + c.getName() + "." + name + ", a constant this side's "
                            + c.getSimpleName() + " does not have (different versions on the two sides?)");
                }
            }
            case RECORD -> {
                return record(p, allowed(nextString(p), "a record"), depth);
            }
            case BEAN -> {
                Class<?> c = allowed(nextString(p), "a class");
                if (c.isRecord() || c.isEnum()) {
                    throw new Refusal("names " + c.getName() + " as a bean, which it is not here");
                }
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw new Refusal("is a " + c.getName() + " without its properties");
                }
                try {
                    v = mapper.readValue(p, c);
                } catch (IOException e) {
                    throw new Refusal("is a " + c.getName() + " that Jackson could not rebuild: " + e.getMessage(), e);
                }
            }
            default -> throw new Refusal("has type tag " + kind + ", which Weft's wire format never writes");
        }
        if (p.nextToken() != JsonToken.END_ARRAY) {
            throw new Refusal("has more elements than its type tag " + kind + " allows");
        }
        return v;
    }

    private Object record(JsonParser p, Class<?> c, int depth) throws IOException, Refusal {
        if (!c.isRecord()) {
            throw new Refusal("names " + c.getName() + " as a record, which it is not here");
        }
        RecordShape shape = recordShape(c);
        int n = shape.names.length;
        Object[] args = new Object[n];
        JsonToken t;
        int i = 0;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (i == n) {
                throw new Refusal("is a " + c.getName() + " with more than the " + n + " components this side's "
                        + c.getSimpleName() + " has (different versions on the two sides?)");
            }
            try {
                args[i] = read(p, t, depth + 1);
            } catch (Refusal r) {
                throw r.at("." + shape.names[i]);
            }
            i++;
        }
        if (i != n) {
            throw new Refusal("is a " + c.getName() + " with " + i + " components, and this side's "
                    + c.getSimpleName() + " has " + n + " (different versions on the two sides?)");
        }
        return shape.make(args);
    }

    /** The allowed class of this name from the bytes; refuses one this side does not allow, loading nothing. */
    private Class<?> allowed(String name, String what) throws Refusal {
        Class<?> c = types.named(name);
        if (c == null) {
            String shown = name.length() > 200 ? name.substring(0, 200) + "…" : name;
            throw new Refusal("is " + what + " of class " + shown + ", which this side's WireTypes does not allow;"
                    + " nothing was instantiated (the receiver looks classes up in its allow-list, it never loads them"
                    + " by name). If both sides know and trust it, allow it on this side too with"
                    + " WireTypes.withType(" + shown.replace('$', '.') + ".class) in ClusterOptions");
        }
        return c;
    }

    private static int nextInt(JsonParser p) throws IOException, Refusal {
        if (p.nextToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
            throw new Refusal("lacks a whole number where its format has one");
        }
        return p.getIntValue();
    }

    private static int nextInt(JsonParser p, int min, int max) throws IOException, Refusal {
        int n = nextInt(p);
        if (n < min || n > max) {
            throw new Refusal("holds " + n + ", out of its type's range");
        }
        return n;
    }

    private static long nextLong(JsonParser p) throws IOException, Refusal {
        if (p.nextToken() != JsonToken.VALUE_NUMBER_INT || (p.getNumberType() != JsonParser.NumberType.INT
                && p.getNumberType() != JsonParser.NumberType.LONG)) {
            throw new Refusal("lacks a whole number where its format has one");
        }
        return p.getLongValue();
    }

    private static String nextString(JsonParser p) throws IOException, Refusal {
        if (p.nextToken() != JsonToken.VALUE_STRING) {
            throw new Refusal("lacks a name where its format has one");
        }
        return p.getText();
    }

    private static BigInteger bigInteger(JsonParser p) throws IOException, Refusal {
        if (p.nextToken() != JsonToken.VALUE_EMBEDDED_OBJECT) {
            throw new Refusal("lacks the bytes of a big number");
        }
        byte[] b = p.getBinaryValue();
        if (b.length == 0) {
            throw new Refusal("has an empty big number");
        }
        return new BigInteger(b);
    }

    private Map<String, Object> enumConstants(Class<?> c) {
        return enums.computeIfAbsent(c, k -> {
            Map<String, Object> m = new LinkedHashMap<>();
            for (Object e : k.getEnumConstants()) {
                m.put(((Enum<?>) e).name(), e);
            }
            return Map.copyOf(m);
        });
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Records and beans

    /** A record class's component names, accessors and canonical constructor, as method handles. */
    private record RecordShape(String[] names, MethodHandle[] accessors, MethodHandle constructor) {
        Object get(Object record, int i) throws Refusal {
            try {
                return (Object) accessors[i].invokeExact(record);
            } catch (Throwable e) {
                throw new Refusal("could not be read: " + record.getClass().getName() + "." + names[i] + "() threw "
                        + e, e);
            }
        }

        Object make(Object[] args) throws Refusal {
            try {
                return (Object) constructor.invokeExact(args);
            } catch (ClassCastException | NullPointerException e) {
                throw new Refusal("has components that do not fit this side's " + constructor.type().returnType()
                        + " (different versions on the two sides?): " + e.getMessage(), e);
            } catch (Throwable e) {
                throw new Refusal("was refused by its record's constructor: " + e, e);
            }
        }
    }

    private RecordShape recordShape(Class<?> c) {
        RecordShape s = records.get(c);
        if (s == null) {
            s = records.computeIfAbsent(c, Wire::shapeOf);
        }
        return s;
    }

    private static RecordShape shapeOf(Class<?> c) {
        RecordComponent[] rc = c.getRecordComponents();
        String[] names = new String[rc.length];
        MethodHandle[] accessors = new MethodHandle[rc.length];
        Class<?>[] params = new Class<?>[rc.length];
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        try {
            for (int i = 0; i < rc.length; i++) {
                names[i] = rc[i].getName();
                params[i] = rc[i].getType();
                Method a = rc[i].getAccessor();
                a.setAccessible(true);
                accessors[i] = lookup.unreflect(a).asType(MethodType.methodType(Object.class, Object.class));
            }
            Constructor<?> k = c.getDeclaredConstructor(params);
            k.setAccessible(true);
            MethodHandle make = lookup.unreflectConstructor(k).asSpreader(Object[].class, rc.length)
                    .asType(MethodType.methodType(Object.class, Object[].class));
            return new RecordShape(names, accessors, make);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new WireException("record " + c.getName() + " cannot be reached from Weft: " + e, e);
        }
    }

    /** A property of a bean as Jackson serialises it: its name and accessor (getter or field). */
    private record BeanProperty(String name, AnnotatedMember accessor) {
        Object get(Object bean) throws Refusal {
            try {
                return accessor.getValue(bean);
            } catch (RuntimeException e) {
                throw new Refusal("could not be read: property '" + name + "' of " + bean.getClass().getName()
                        + " threw " + e, e);
            }
        }
    }

    /** The properties Jackson would serialise of bean class {@code c} (so the walk checks what will be sent). */
    private List<BeanProperty> beanShape(Class<?> c) {
        return beans.computeIfAbsent(c, k -> {
            JavaType type = mapper.constructType(k);
            List<BeanProperty> props = new ArrayList<>();
            for (BeanPropertyDefinition d : mapper.getSerializationConfig().introspect(type).findProperties()) {
                AnnotatedMember m = d.getAccessor();
                if (d.couldSerialize() && m != null) {
                    m.fixAccess(true);
                    props.add(new BeanProperty(d.getName(), m));
                }
            }
            return List.copyOf(props);
        });
    }

    /** Admits a bean's own Jackson type ids only for allowed classes and plain JDK data classes. */
    private static final class AllowList extends PolymorphicTypeValidator.Base {
        private static final long serialVersionUID = 1L;
        private final transient WireTypes types;

        AllowList(WireTypes types) {
            this.types = types;
        }

        @Override
        public Validity validateBaseType(MapperConfig<?> config, JavaType baseType) {
            return Validity.INDETERMINATE;
        }

        @Override
        public Validity validateSubClassName(MapperConfig<?> config, JavaType baseType, String subClassName) {
            return types.named(subClassName) != null || JACKSON_SAFE.contains(subClassName)
                    ? Validity.ALLOWED : Validity.DENIED;
        }

        @Override
        public Validity validateSubType(MapperConfig<?> config, JavaType baseType, JavaType subType) {
            Class<?> c = subType.getRawClass();
            return types.contains(c) || JACKSON_SAFE.contains(c.getName()) ? Validity.ALLOWED : Validity.DENIED;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Why a value was refused: a phrase about the value at the path that is built as the refusal unwinds (each
     * container adds its segment in front), or the depth of the container a cycle leads back to.
     */
    private static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        final String text;
        final transient Deque<String> segments = new ArrayDeque<>();
        int cycleTo = -1;

        Refusal(String text) {
            this(text, null);
        }

        Refusal(String text, Throwable cause) {
            super(text, cause, false, false);
            this.text = text;
        }

        Refusal at(String segment) {
            segments.addFirst(segment);
            return this;
        }
    }
}
