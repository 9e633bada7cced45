package dev.weft.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.weft.cluster.WireKit.Box;
import dev.weft.cluster.WireKit.Color;
import dev.weft.cluster.WireKit.Person;
import dev.weft.cluster.WireKit.Point;
import dev.weft.cluster.WireKit.Tally;
import java.io.File;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/**
 * Properties of the wire codec over random nested values: lists (ArrayList, LinkedList), sets (LinkedHashSet,
 * HashSet), maps (LinkedHashMap and TreeMap of String keys, HashMap of any allowed keys) and records ({@link Box}),
 * up to 4 levels deep with up to 4 elements each, around leaves of every built-in type (full-range longs and small
 * ones, every float and double bit pattern, strings of any valid Unicode), null, enum constants (one with a body),
 * records of primitives ({@link Point}) and Jackson beans ({@link Person}, {@link Tally}).
 *
 * <ol>
 *   <li>Every such value decodes to an equal value of exactly the same classes, scalar by scalar (a {@code Long} is
 *       never an {@code Integer}), with lists, sets and maps as {@code ArrayList}, {@code LinkedHashSet} and
 *       {@code LinkedHashMap} in the sender's order.</li>
 *   <li>The same values with one leaf (or map key) replaced by a value of a class not allowed (a {@code File}, an
 *       {@code Optional}, an {@code int[]}, a lambda, a record or enum not added, ...) are always refused, naming
 *       the path to that leaf and its class, before anything is serialised (no {@link Tally} in the value was
 *       written).</li>
 * </ol>
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WireProperties {
    static final String WHERE = "output 'result' of operation 'op' in context 'ctx-0'";
    static final int MAX_DEPTH = 4;
    static final int MAX_SIZE = 4;

    final Wire wire = new Wire(WireKit.types());

    // ---------------------------------------------------------------------------------------------------------------
    // Values

    static long pick(RandomnessSource in, long min, long max) {
        return in.next(Constraint.between(min, max));
    }

    static String string(RandomnessSource in) {
        int n = (int) pick(in, 0, 6);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int cp = switch ((int) pick(in, 0, 3)) {
                case 0 -> (int) pick(in, 0x20, 0x7e);
                case 1 -> (int) pick(in, 0, 0xD7FF);
                case 2 -> (int) pick(in, 0xE000, 0xFFFF);
                default -> (int) pick(in, 0x10000, Character.MAX_CODE_POINT); // a surrogate pair
            };
            b.appendCodePoint(cp);
        }
        return b.toString();
    }

    static Object leaf(RandomnessSource in) {
        return switch ((int) pick(in, 0, 19)) {
            case 0 -> null;
            case 1 -> string(in);
            case 2 -> pick(in, 0, 1) == 1;
            case 3 -> (char) pick(in, 0, 0xFFFF);
            case 4 -> (byte) pick(in, Byte.MIN_VALUE, Byte.MAX_VALUE);
            case 5 -> (short) pick(in, Short.MIN_VALUE, Short.MAX_VALUE);
            case 6 -> (int) pick(in, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case 7 -> pick(in, -3, 3); // small longs: the ones a codec without types turns into Integers
            case 8 -> in.next(Constraint.none());
            case 9 -> Float.intBitsToFloat((int) in.next(Constraint.none()));
            case 10 -> Double.longBitsToDouble(in.next(Constraint.none()));
            case 11 -> BigInteger.valueOf(in.next(Constraint.none())).shiftLeft((int) pick(in, 0, 80));
            case 12 -> new BigDecimal(BigInteger.valueOf(in.next(Constraint.none())), (int) pick(in, -20, 20));
            case 13 -> {
                byte[] b = new byte[(int) pick(in, 0, 5)];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) pick(in, -128, 127);
                }
                yield b;
            }
            case 14 -> Instant.ofEpochSecond(pick(in, Instant.MIN.getEpochSecond(), Instant.MAX.getEpochSecond()),
                    pick(in, 0, 999_999_999));
            case 15 -> Duration.ofSeconds(in.next(Constraint.none()), pick(in, 0, 999_999_999));
            case 16 -> Color.values()[(int) pick(in, 0, 2)];
            case 17 -> new Point((int) pick(in, -5, 5), in.next(Constraint.none()));
            case 18 -> new Person(string(in), (int) pick(in, 0, 120), List.of(string(in)));
            default -> new Tally((int) pick(in, 0, 100));
        };
    }

    static Object value(RandomnessSource in, int depth) {
        int kind = (int) pick(in, 0, depth >= MAX_DEPTH ? 0 : 8);
        int n = (int) pick(in, 0, MAX_SIZE);
        return switch (kind) {
            case 0 -> leaf(in);
            case 1 -> fill(new ArrayList<>(), n, in, depth);
            case 2 -> fill(new LinkedList<>(), n, in, depth);
            case 3 -> fill(new LinkedHashSet<>(), n, in, depth);
            case 4 -> fill(new HashSet<>(), n, in, depth);
            case 5, 6 -> {
                Map<Object, Object> m = kind == 5 ? new LinkedHashMap<>() : new TreeMap<>();
                for (int i = 0; i < n; i++) {
                    m.put(string(in), value(in, depth + 1));
                }
                yield m;
            }
            case 7 -> {
                Map<Object, Object> m = new HashMap<>();
                for (int i = 0; i < n; i++) {
                    m.put(leaf(in), value(in, depth + 1));
                }
                yield m;
            }
            default -> new Box(value(in, depth + 1), fill(new ArrayList<>(), n, in, depth));
        };
    }

    static <C extends Collection<Object>> C fill(C c, int n, RandomnessSource in, int depth) {
        for (int i = 0; i < n; i++) {
            c.add(value(in, depth + 1));
        }
        return c;
    }

    static final Gen<Object> VALUES = ((Gen<Object>) in -> value(in, 0)).describedAs(WireKit::show);

    // ---------------------------------------------------------------------------------------------------------------
    // Values with one leaf not allowed

    record Secret(String s) {
    }

    enum Unlisted { X }

    /** Values of classes {@link WireKit#types()} does not allow, and whether each may be a map key. */
    static final List<Supplier<Object>> BAD = List.of(
            () -> new File("f"),
            () -> Optional.of(1),
            () -> new int[] {1},
            () -> new Object[] {1},
            () -> new ArrayDeque<>(List.of(1)),
            () -> new Secret("s"),
            () -> Unlisted.X,
            () -> Thread.State.NEW,
            () -> URI.create("http://example.org"),
            () -> new StringBuilder("x"),
            () -> new Object(),
            () -> (Supplier<String>) () -> "lambda");

    /** A value, the path inside it to the one leaf not allowed, and that leaf. */
    record Poisoned(Object value, String path, Object bad) {
    }

    /**
     * Rebuilds a value with its {@code target}th leaf or map key (in the walk's order) replaced by {@code bad},
     * noting the path to it; sets and maps are rebuilt as linked ones in the original order, so indices keep.
     */
    static final class Replace {
        int next;
        final int target;
        final Object bad;
        String path;

        Replace(int target, Object bad) {
            this.target = target;
            this.bad = bad;
        }

        Object slot(Object v, String at) {
            if (v instanceof List<?> || v instanceof Set<?> || v instanceof Map<?, ?> || v instanceof Box) {
                return rebuild(v, at);
            }
            if (next++ == target) {
                path = at;
                return bad;
            }
            return v;
        }

        Object rebuild(Object v, String at) {
            if (v instanceof List<?> l) {
                List<Object> out = new ArrayList<>();
                int i = 0;
                for (Object e : l) {
                    out.add(slot(e, at + "[" + i++ + "]"));
                }
                return out;
            } else if (v instanceof Set<?> s) {
                Set<Object> out = new LinkedHashSet<>();
                int i = 0;
                for (Object e : s) {
                    out.add(slot(e, at + "[" + i++ + "]"));
                }
                return out;
            } else if (v instanceof Map<?, ?> m) {
                Map<Object, Object> out = new LinkedHashMap<>();
                int i = 0;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    Object key = slot(e.getKey(), at + "{key #" + i + "}");
                    out.put(key, slot(e.getValue(), at + keySegment(key, i)));
                    i++;
                }
                return out;
            } else {
                Box b = (Box) v;
                Object content = slot(b.content(), at + ".content");
                @SuppressWarnings("unchecked") // rebuild returns a list for a list
                List<Object> items = (List<Object>) rebuild(b.items(), at + ".items");
                return new Box(content, items);
            }
        }

        /** The path segment the wire names a map value by (its documented format; one definition, Wire's). */
        static String keySegment(Object key, int i) {
            return Wire.keySegment(key, i);
        }
    }

    static int slots(Object v) {
        if (v instanceof Collection<?> c) {
            return c.stream().mapToInt(WireProperties::slots).sum();
        } else if (v instanceof Map<?, ?> m) {
            return m.entrySet().stream().mapToInt(e -> slots(e.getKey()) + slots(e.getValue())).sum();
        } else if (v instanceof Box b) {
            return slots(b.content()) + slots(b.items());
        }
        return 1;
    }

    static final Gen<Poisoned> POISONED = ((Gen<Poisoned>) in -> {
        Object v = value(in, 0);
        if (slots(v) == 0) { // only empty containers: give it a leaf to replace
            v = java.util.Arrays.asList(v, null);
        }
        int target = (int) pick(in, 0, slots(v) - 1);
        Object bad = BAD.get((int) pick(in, 0, BAD.size() - 1)).get();
        Replace r = new Replace(target, bad);
        Object out = r.slot(v, "value");
        return new Poisoned(out, r.path, bad);
    }).describedAs(p -> p.path + " in " + WireKit.show(p.value));

    // ---------------------------------------------------------------------------------------------------------------

    @Test
    void everyAllowedValueComesBackEqualAndOfTheSameClasses() {
        // the CI seed 69392097927753 found two empty byte arrays in a set arriving as one (Jackson shares its empty
        // array); kept as a second, fixed-seed run
        for (var q : List.of(qt().withExamples(2000), qt().withFixedSeed(69392097927753L).withExamples(700))) {
            q.withShrinkCycles(500).forAll(VALUES).checkAssert(v -> {
                Object back = wire.decode(wire.encode(v, WHERE), WHERE);
                assertThat(WireKit.difference(v, back, "value")).as("decoded %s", WireKit.show(back)).isNull();
            });
        }
    }

    @Test
    void aValueWithOneLeafNotAllowedIsAlwaysRefusedNamingItBeforeAnythingIsSerialised() {
        qt().withExamples(2000).withShrinkCycles(500).forAll(POISONED).checkAssert(p -> {
            long written = WireKit.TALLIES_WRITTEN.get();
            byte[] bytes = null;
            WireException refused = null;
            try {
                bytes = wire.encode(p.value, WHERE);
            } catch (WireException e) {
                refused = e;
            }
            assertThat(bytes).as("bytes produced").isNull();
            assertThat(refused).isNotNull();
            assertThat(refused.getMessage()).startsWith(WHERE + " may not cross the wire: " + p.path + " is a "
                    + p.bad.getClass().getName() + ", which ");
            assertThat(WireKit.TALLIES_WRITTEN.get()).as("tallies serialised before the refusal").isEqualTo(written);
        });
    }
}
