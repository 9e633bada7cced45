package dev.weft.cluster;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/** Value types for the wire tests, and a comparison of decoded values that checks classes as well as equality. */
final class WireKit {
    private WireKit() {
    }

    record Point(int x, long y) {
    }

    /** A record whose components hold anything allowed, so random values nest through records. */
    record Box(Object content, List<Object> items) {
    }

    record Item(String id, Object owner) {
    }

    record Order(String id, List<Item> items) {
    }

    enum Color {
        RED,
        GREEN {
            @Override
            String hex() {
                return "#0f0";
            }
        },
        BLUE;

        String hex() {
            return "?";
        }
    }

    /** A plain Jackson bean: no-argument constructor, getters and setters. */
    public static final class Person {
        private String name;
        private int age;
        private List<String> tags = new ArrayList<>();

        public Person() {
        }

        Person(String name, int age, List<String> tags) {
            this.name = name;
            this.age = age;
            this.tags = tags;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public int getAge() {
            return age;
        }

        public void setAge(int age) {
            this.age = age;
        }

        public List<String> getTags() {
            return tags;
        }

        public void setTags(List<String> tags) {
            this.tags = tags;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Person p && Objects.equals(name, p.name) && age == p.age && Objects.equals(tags, p.tags);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, age, tags);
        }

        @Override
        public String toString() {
            return "Person[" + name + ", " + age + ", " + tags + "]";
        }
    }

    /** How many times Jackson has serialised a {@link Tally}: proof of whether serialising began. */
    static final AtomicLong TALLIES_WRITTEN = new AtomicLong();

    /** A bean that counts its serialisations. */
    @JsonSerialize(using = TallySerializer.class)
    public static final class Tally {
        private int n;

        public Tally() {
        }

        Tally(int n) {
            this.n = n;
        }

        public int getN() {
            return n;
        }

        public void setN(int n) {
            this.n = n;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tally t && t.n == n;
        }

        @Override
        public int hashCode() {
            return n;
        }

        @Override
        public String toString() {
            return "Tally[" + n + "]";
        }
    }

    /** Writes a {@link Tally} as Jackson would, and counts. */
    static final class TallySerializer extends StdSerializer<Tally> {
        private static final long serialVersionUID = 1L;

        TallySerializer() {
            super(Tally.class);
        }

        @Override
        public void serialize(Tally t, JsonGenerator g, SerializerProvider provider) throws IOException {
            TALLIES_WRITTEN.incrementAndGet();
            g.writeStartObject();
            g.writeNumberField("n", t.n);
            g.writeEndObject();
        }
    }

    /** The types the wire tests allow. */
    static WireTypes types() {
        return WireTypes.defaults().withType(Point.class, Box.class, Item.class, Order.class, Color.class,
                Person.class, Tally.class);
    }

    /**
     * Where {@code actual} (decoded) differs from {@code expected} (sent), or {@code null}: scalars of the same class
     * and equal ({@code byte[]} by content), lists, sets and maps as {@code ArrayList}, {@code LinkedHashSet} and
     * {@code LinkedHashMap} with the same elements in the same order, records of the same class with the same
     * components, compared the same way.
     */
    static String difference(Object expected, Object actual, String path) {
        if (expected == null || actual == null) {
            return expected == actual ? null : path + ": sent " + show(expected) + ", got " + show(actual);
        }
        if (expected instanceof List<?> e) {
            return actual.getClass() != ArrayList.class ? path + ": a list came back as " + actual.getClass().getName()
                    : sequence(e, (List<?>) actual, path);
        }
        if (expected instanceof Set<?> e) {
            return actual.getClass() != java.util.LinkedHashSet.class
                    ? path + ": a set came back as " + actual.getClass().getName()
                    : sequence(e, (Set<?>) actual, path);
        }
        if (expected instanceof Map<?, ?> e) {
            if (actual.getClass() != java.util.LinkedHashMap.class) {
                return path + ": a map came back as " + actual.getClass().getName();
            }
            Map<?, ?> a = (Map<?, ?>) actual;
            String keys = sequence(e.keySet(), a.keySet(), path + ".keys");
            if (keys != null) {
                return keys;
            }
            return sequence(e.values(), a.values(), path);
        }
        if (expected.getClass() != actual.getClass()) {
            return path + ": sent " + show(expected) + ", got " + show(actual);
        }
        if (expected instanceof byte[] e) {
            return Arrays.equals(e, (byte[]) actual) ? null : path + ": sent " + show(expected) + ", got "
                    + show(actual);
        }
        if (expected instanceof Record) {
            for (RecordComponent c : expected.getClass().getRecordComponents()) {
                try {
                    c.getAccessor().setAccessible(true);
                    String d = difference(c.getAccessor().invoke(expected), c.getAccessor().invoke(actual),
                            path + "." + c.getName());
                    if (d != null) {
                        return d;
                    }
                } catch (ReflectiveOperationException ex) {
                    throw new AssertionError(ex);
                }
            }
            return null;
        }
        return expected.equals(actual) ? null : path + ": sent " + show(expected) + ", got " + show(actual);
    }

    private static String sequence(Iterable<?> expected, Iterable<?> actual, String path) {
        Iterator<?> e = expected.iterator();
        Iterator<?> a = actual.iterator();
        int i = 0;
        while (e.hasNext() && a.hasNext()) {
            String d = difference(e.next(), a.next(), path + "[" + i + "]");
            if (d != null) {
                return d;
            }
            i++;
        }
        return e.hasNext() || a.hasNext() ? path + ": " + i + " elements in common, then one side ends" : null;
    }

    /** A value with its scalars' classes shown: {@code 1L}, {@code (short)1}, {@code 1.0f}. */
    static String show(Object v) {
        if (v == null) {
            return "null";
        } else if (v instanceof String s) {
            return '"' + s + '"';
        } else if (v instanceof Long l) {
            return l + "L";
        } else if (v instanceof Short s) {
            return "(short)" + s;
        } else if (v instanceof Byte b) {
            return "(byte)" + b;
        } else if (v instanceof Float f) {
            return f + "f";
        } else if (v instanceof Double d) {
            return d + "d";
        } else if (v instanceof Character c) {
            return "'\\u" + String.format("%04x", (int) c) + "'";
        } else if (v instanceof byte[] b) {
            return "byte" + Arrays.toString(b);
        } else if (v instanceof Integer || v instanceof Boolean) {
            return v.toString();
        } else if (v instanceof List<?> l) {
            return "List" + l.stream().map(WireKit::show).toList();
        } else if (v instanceof Set<?> s) {
            return "Set" + s.stream().map(WireKit::show).toList();
        } else if (v instanceof Map<?, ?> m) {
            StringBuilder b = new StringBuilder("Map{");
            m.forEach((k, x) -> b.append(b.length() > 4 ? ", " : "").append(show(k)).append('=').append(show(x)));
            return b.append('}').toString();
        } else if (v instanceof Record r) {
            StringBuilder b = new StringBuilder(r.getClass().getSimpleName()).append('(');
            RecordComponent[] cs = r.getClass().getRecordComponents();
            for (int i = 0; i < cs.length; i++) {
                try {
                    cs[i].getAccessor().setAccessible(true);
                    b.append(i > 0 ? ", " : "").append(show(cs[i].getAccessor().invoke(r)));
                } catch (ReflectiveOperationException ex) {
                    throw new AssertionError(ex);
                }
            }
            return b.append(')').toString();
        }
        return v.getClass().getSimpleName() + ":" + v;
    }
}
