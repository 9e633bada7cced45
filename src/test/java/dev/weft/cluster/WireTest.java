package dev.weft.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import dev.weft.cluster.WireKit.Box;
import dev.weft.cluster.WireKit.Color;
import dev.weft.cluster.WireKit.Item;
import dev.weft.cluster.WireKit.Order;
import dev.weft.cluster.WireKit.Person;
import dev.weft.cluster.WireKit.Point;
import dev.weft.cluster.WireKit.Tally;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractList;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The wire codec: what it refuses and how it says so, on both sides, and that every allowed type comes back as exactly
 * its class.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WireTest {
    static final String WHERE = "input 'url' of operation 'fetch' in context 'ctx-3'";

    final Wire wire = new Wire(WireKit.types());

    Object roundTrip(Object v) {
        return wire.decode(wire.encode(v, WHERE), WHERE);
    }

    void assertRoundTrips(Object v) {
        Object back = roundTrip(v);
        assertThat(WireKit.difference(v, back, "value")).as("%s came back as %s", WireKit.show(v), WireKit.show(back))
                .isNull();
    }

    WireException refusal(Object v) {
        try {
            byte[] bytes = wire.encode(v, WHERE);
            throw new AssertionError("encoded " + WireKit.show(v) + " into " + bytes.length + " bytes");
        } catch (WireException e) {
            assertThat(e.getMessage()).startsWith(WHERE + " may not cross the wire: ");
            return e;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Round trips

    @Test
    void everyBuiltInScalarComesBackAsExactlyItsClass() {
        for (Object v : List.of("", "text", "emoji \uD83D\uDE00 and ünïcödé", true, false, 'x', '\uFFFF', '\uD800',
                (byte) 0, Byte.MIN_VALUE, Byte.MAX_VALUE, (short) 1, Short.MIN_VALUE, Short.MAX_VALUE, 0, 1, -1,
                Integer.MIN_VALUE, Integer.MAX_VALUE, 0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE,
                (long) Integer.MAX_VALUE + 1, 0f, -0f, 1.5f, Float.NaN, Float.NEGATIVE_INFINITY, Float.MIN_VALUE,
                Float.MAX_VALUE, 0d, -0d, 0.1, Double.NaN, Double.POSITIVE_INFINITY, Double.MIN_VALUE,
                Double.MAX_VALUE, BigInteger.ZERO, BigInteger.ONE.negate(), BigInteger.TWO.pow(200).negate(),
                new BigDecimal("1.5"), new BigDecimal("1.500"), new BigDecimal("-0.000"), new BigDecimal("1E+3"),
                new BigDecimal(BigInteger.TWO.pow(100), -7), Instant.EPOCH, Instant.parse("1969-12-31T23:59:59.5Z"),
                Instant.MAX, Instant.MIN, Duration.ZERO, Duration.ofNanos(-1), Duration.ofSeconds(Long.MAX_VALUE,
                        999_999_999))) {
            assertRoundTrips(v);
        }
        assertThat(roundTrip(null)).isNull();
        assertThat((byte[]) roundTrip(new byte[] {1, 2, -1})).containsExactly(1, 2, -1);
        assertThat((byte[]) roundTrip(new byte[0])).isEmpty();
        // Scale is part of a BigDecimal's identity: 1.500 is not equals() to 1.5.
        assertThat(((BigDecimal) roundTrip(new BigDecimal("1.500"))).scale()).isEqualTo(3);
    }

    @Test
    void aSmallLongStaysALongAndAnIntegerStaysAnInteger() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", 1L);
        m.put("b", 1);
        m.put("c", (short) 1);
        m.put("d", (byte) 1);
        m.put("e", 1f);
        m.put("f", 1d);
        @SuppressWarnings("unchecked") // decode returns what encode was given: a map of String to Object
        Map<String, Object> back = (Map<String, Object>) roundTrip(m);
        assertThat(back.values()).extracting(Object::getClass).containsExactly(Long.class, Integer.class,
                Short.class, Byte.class, Float.class, Double.class);
    }

    @Test
    void listsSetsAndMapsKeepOrderAndNullsAndComeBackMutable() {
        List<Object> list = new LinkedList<>(Arrays.asList(3L, null, "x", List.of()));
        Set<Object> set = new LinkedHashSet<>(Arrays.asList("z", "a", null, 2));
        Map<Object, Object> map = new LinkedHashMap<>();
        map.put("z", 1L);
        map.put("a", null);
        map.put(null, "null key");
        map.put(7L, List.of(1, 2));
        map.put(Color.GREEN, Set.of());
        map.put(new Point(1, 2), "record key");
        for (Object v : List.of(list, set, map, List.of(), Set.of(), Map.of(), new TreeMap<>(Map.of("b", 2, "a", 1)),
                new HashMap<>(Map.of(1, 2)))) {
            assertRoundTrips(v);
        }
        @SuppressWarnings("unchecked") // a list went in
        List<Object> back = (List<Object>) roundTrip(List.of(1, 2));
        back.add(3); // documented: decoded collections are mutable
        assertThat(back).containsExactly(1, 2, 3);
        assertThat(roundTrip(new TreeMap<>(Map.of("b", 2, "a", 1)))).isInstanceOf(LinkedHashMap.class)
                .hasToString("{a=1, b=2}");
    }

    @Test
    void recordsEnumsAndBeansComeBackAsTheirClasses() {
        assertRoundTrips(new Point(-3, Long.MIN_VALUE));
        assertRoundTrips(new Box(null, Arrays.asList(1L, null, new Point(1, 2))));
        assertRoundTrips(new Box(new Box((short) 2, List.of()), List.of(Map.of("k", new byte[] {9}))));
        assertRoundTrips(new Order("o-1", List.of(new Item("i-1", "alice"), new Item("i-2", 42L))));
        assertRoundTrips(List.of(Color.RED, Color.GREEN, Color.BLUE));
        assertThat(roundTrip(Color.GREEN)).isSameAs(Color.GREEN); // a constant with a body: its enum is what crosses
        assertThat(roundTrip(new Person("ada", 36, List.of("a", "b"))))
                .isEqualTo(new Person("ada", 36, List.of("a", "b")));
        assertThat(roundTrip(new Tally(5))).isEqualTo(new Tally(5));
        Box box = new Box(1L, new ArrayList<>(List.of(2L)));
        Box back = (Box) roundTrip(box);
        assertThat(back.content()).isInstanceOf(Long.class);
        assertThat(back.items().getFirst()).isInstanceOf(Long.class);
    }

    @Test
    void sharedReferencesArriveAsEqualCopies() {
        List<Object> shared = List.of(1L);
        @SuppressWarnings("unchecked") // a list went in
        List<Object> back = (List<Object>) roundTrip(List.of(shared, shared));
        assertThat(back.get(0)).isEqualTo(back.get(1)).isNotSameAs(back.get(1));
    }

    @Test
    void oneWireIsUsedFromManyVirtualThreadsAtOnce() throws Exception {
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Object>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                Object v = new Order("o-" + i, List.of(new Item("i", (long) i), new Item("j", new Person("p" + i, i,
                        List.of()))));
                Callable<Object> task = () -> {
                    for (int k = 0; k < 20; k++) {
                        assertThat(WireKit.difference(v, roundTrip(v), "value")).isNull();
                    }
                    return v;
                };
                results.add(ex.submit(task));
            }
            for (Future<Object> f : results) {
                f.get();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Refusals when sending

    @Test
    void aClassNotAllowedDeepInsideIsRefusedWithWhereThePathAndHowToAllowIt() {
        record Secret(String s) {
        }
        Wire narrow = new Wire(WireTypes.defaults().withType(Order.class, Item.class));
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            items.add(new Item("i" + i, "owner " + i));
        }
        items.add(new Item("i3", new Point(1, 2)));
        Map<String, Object> value = Map.of("order", new Order("o-1", items));
        assertThatThrownBy(() -> narrow.encode(value, WHERE)).isInstanceOf(WireException.class)
                .hasMessage(WHERE + " may not cross the wire: value{\"order\"}.items[3].owner is a "
                        + "dev.weft.cluster.WireKit$Point, which this cluster's WireTypes does not allow; if both"
                        + " sides know and trust it, allow it on both with"
                        + " WireTypes.withType(dev.weft.cluster.WireKit.Point.class) in ClusterOptions");
        assertThat(refusal(List.of(1, new Secret("s"))).getMessage())
                .contains("value[1] is a dev.weft.cluster.WireTest$1Secret, which no WireTypes can allow: it is a"
                        + " local class");
    }

    @Test
    void jdkClassesOtherThanTheBuiltInOnesAreRefusedSayingWhatToSendInstead() {
        assertThat(refusal(new File("/etc/passwd")).getMessage())
                .contains("value is a java.io.File, which no WireTypes can allow: it is a JDK class")
                .contains("a path or URL as a String");
        assertThat(refusal(new Item("i", Optional.of(1))).getMessage())
                .contains("value.owner is a java.util.Optional, which no WireTypes can allow: it is a JDK class");
        assertThat(refusal(Map.of("t", Thread.currentThread())).getMessage()).contains("value{\"t\"} is a java.lang.");
    }

    @Test
    void eachShapeThatCanNeverCrossIsRefusedSayingWhy() {
        Supplier<String> lambda = () -> "x";
        assertThat(refusal(lambda).getMessage()).contains("value is a dev.weft.cluster.WireTest$$Lambda")
                .contains("it is a hidden class");
        assertThat(refusal(new Object() {
        }).getMessage()).contains("it is an anonymous class");
        assertThat(refusal(new Object()).getMessage()).contains("Object would allow any class at all");
        assertThat(refusal(List.of(new int[] {1})).getMessage()).contains("value[0] is a [I")
                .contains("only byte[] crosses as an array; send a List instead");
        assertThat(refusal(new Object[] {1}).getMessage()).contains("send a List instead");
        assertThat(refusal(new ArrayDeque<>(List.of(1))).getMessage())
                .contains("a collection that is not a List, Set or Map; copy it into a List");
        assertThat(refusal(new IllegalStateException("boom")).getMessage())
                .contains("exceptions do not cross as values");
        assertThat(refusal(new BigInteger("5") {
        }).getMessage()).contains("a subclass of BigInteger; only BigInteger itself crosses");
        assertThat(refusal(new Inner()).getMessage()).contains("it is an inner class");
        assertThat(refusal(new OnlySerializable(1)).getMessage())
                .contains("neither a no-argument constructor nor a @JsonCreator")
                .contains("Java serialization is off on the wire");
    }

    @Test
    void keysSetElementsEnumsAndBeanPropertiesAreCheckedToo() {
        Map<Object, Object> badKey = new LinkedHashMap<>();
        badKey.put("fine", 1);
        badKey.put(new File("f"), 2);
        assertThat(refusal(badKey).getMessage()).contains("value{key #1} is a java.io.File");
        assertThat(refusal(new LinkedHashSet<>(List.of(1, new File("f")))).getMessage())
                .contains("value[1] is a java.io.File");
        assertThat(refusal(Map.of(3L, List.of(Thread.State.NEW))).getMessage())
                .contains("value{3}[0] is a java.lang.Thread$State, which no WireTypes can allow: it is a JDK class");
        assertThat(refusal(List.of(Unlisted.A)).getMessage()).contains("value[0] is a dev.weft.cluster.WireTest$Unlisted,"
                + " which this cluster's WireTypes does not allow")
                .contains("WireTypes.withType(dev.weft.cluster.WireTest.Unlisted.class)");
        Wire withHolder = new Wire(WireKit.types().withType(Holder.class));
        Holder h = new Holder();
        h.setThing(new File("x"));
        assertThatThrownBy(() -> withHolder.encode(List.of(h), WHERE)).isInstanceOf(WireException.class)
                .hasMessageContaining("value[0].thing is a java.io.File");
    }

    @Test
    void nothingIsSerialisedWhenAnythingIsRefused() {
        long before = WireKit.TALLIES_WRITTEN.get();
        // The tally comes first: an encoder that wrote as it went would have written it before finding the file.
        refusal(List.of(new Tally(1), new Tally(2), Map.of("late", new File("f"))));
        assertThat(WireKit.TALLIES_WRITTEN.get()).isEqualTo(before);
        wire.encode(List.of(new Tally(1)), WHERE);
        assertThat(WireKit.TALLIES_WRITTEN.get()).isEqualTo(before + 1);
    }

    @Test
    void cyclesAreRefusedNamingWhereTheyLeadBack() {
        List<Object> self = new ArrayList<>();
        self.add(1);
        self.add(self);
        assertThat(refusal(self).getMessage()).contains("value[1] refers back to value, which contains it (a cycle)");

        Map<String, Object> inner = new HashMap<>();
        List<Object> items = new ArrayList<>();
        Box box = new Box(inner, items);
        items.add(Map.of("deep", List.of(box)));
        assertThat(refusal(Map.of("top", box)).getMessage())
                .contains("value{\"top\"}.items[0]{\"deep\"}[0] refers back to value{\"top\"}, which contains it");

        Holder h = new Holder();
        h.setThing(List.of(h));
        Wire withHolder = new Wire(WireKit.types().withType(Holder.class));
        assertThatThrownBy(() -> withHolder.encode(h, WHERE)).hasMessageContaining(
                "value.thing[0] refers back to value, which contains it (a cycle)");
        // A value reached twice without a cycle (a DAG) is fine.
        List<Object> shared = List.of(1);
        assertRoundTrips(List.of(shared, List.of(shared)));
    }

    @Test
    void nestingDeeperThanTheLimitIsRefusedWithoutOverflowingTheStack() {
        Object v = 1L;
        for (int i = 0; i < 100_000; i++) {
            v = List.of(v);
        }
        assertThat(refusal(v).getMessage()).contains("is nested more than 256 levels deep");
        Object ok = 1L;
        for (int i = 0; i < Wire.MAX_DEPTH; i++) {
            ok = List.of(ok);
        }
        assertRoundTrips(ok);
    }

    @Test
    void textThatIsNotValidUnicodeIsRefusedNamingWhere() {
        assertThat(refusal(Map.of("k", List.of("ok", "bad \uD800 half"))).getMessage())
                .contains("value{\"k\"}[1] is a String with an unpaired surrogate at index 4");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Refusals when receiving

    @Test
    void decodingRefusesAClassThisSideDoesNotAllowNamingWhereAndTheClass() {
        Wire wide = new Wire(WireKit.types());
        Wire narrow = new Wire(WireTypes.defaults().withType(Order.class, Item.class));
        byte[] bytes = wide.encode(new Order("o", List.of(new Item("a", 1), new Item("b", new Point(1, 2)))), WHERE);
        assertThatThrownBy(() -> narrow.decode(bytes, "output 'page' of operation 'fetch' in context 'ctx-3'"))
                .isInstanceOf(WireException.class)
                .hasMessageStartingWith("output 'page' of operation 'fetch' in context 'ctx-3' could not be decoded:"
                        + " value.items[1].owner is a record of class dev.weft.cluster.WireKit$Point, which this"
                        + " side's WireTypes does not allow; nothing was instantiated");
        byte[] en = wide.encode(List.of(Color.BLUE), WHERE);
        assertThatThrownBy(() -> narrow.decode(en, WHERE))
                .hasMessageContaining("value[0] is an enum of class dev.weft.cluster.WireKit$Color");
        byte[] bean = wide.encode(Map.of("p", new Person("a", 1, List.of())), WHERE);
        assertThatThrownBy(() -> narrow.decode(bean, WHERE))
                .hasMessageContaining("value{\"p\"} is a class of class dev.weft.cluster.WireKit$Person");
    }

    /** Set when the class is initialised: a decoder that loaded classes by name would set it. */
    static final AtomicBoolean BOMB_INITIALISED = new AtomicBoolean();

    static final class Bomb {
        static {
            BOMB_INITIALISED.set(true);
        }

        public Bomb() {
        }
    }

    @Test
    void aClassNamedByTheBytesIsNeverLoadedUnlessAllowed() throws IOException {
        for (int kind : new int[] {14, 15, 13}) {
            byte[] bytes = cbor(g -> {
                g.writeStartArray();
                g.writeNumber(1);
                g.writeStartArray();
                g.writeNumber(kind);
                g.writeString("dev.weft.cluster.WireTest$Bomb");
                if (kind == 15) {
                    g.writeStartObject();
                    g.writeEndObject();
                } else if (kind == 13) {
                    g.writeString("X");
                }
                g.writeEndArray();
                g.writeEndArray();
            });
            assertThatThrownBy(() -> wire.decode(bytes, WHERE)).isInstanceOf(WireException.class)
                    .hasMessageContaining("class dev.weft.cluster.WireTest$Bomb, which this side's WireTypes does not"
                            + " allow; nothing was instantiated");
        }
        byte[] gadget = cbor(g -> {
            g.writeStartArray();
            g.writeNumber(1);
            g.writeStartArray();
            g.writeNumber(15);
            g.writeString("javax.script.ScriptEngineManager");
            g.writeStartObject();
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndArray();
        });
        assertThatThrownBy(() -> wire.decode(gadget, WHERE))
                .hasMessageContaining("class javax.script.ScriptEngineManager, which this side's WireTypes does not");
        assertThat(BOMB_INITIALISED).isFalse();
    }

    /** A bean with a Jackson type id of its own: the mapper's validator admits only allowed classes. */
    public static final class Envelope {
        @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
        public Object payload;
    }

    @Test
    void aBeansOwnJacksonTypeIdsAreCheckedAgainstTheAllowListToo() {
        Wire wide = new Wire(WireKit.types().withType(Envelope.class));
        Wire narrow = new Wire(WireTypes.defaults().withType(Envelope.class));
        Envelope e = new Envelope();
        e.payload = new Point(3, 4);
        byte[] bytes = wide.encode(e, WHERE);
        assertThat(((Envelope) wide.decode(bytes, WHERE)).payload).isEqualTo(new Point(3, 4));
        assertThatThrownBy(() -> narrow.decode(bytes, WHERE)).isInstanceOf(WireException.class)
                .hasMessageContaining("value is a dev.weft.cluster.WireTest$Envelope that Jackson could not rebuild")
                .hasMessageContaining("dev.weft.cluster.WireKit$Point")
                .hasMessageContaining("PolymorphicTypeValidator");
    }

    @Test
    void bytesThatAreNotAWireValueAreRefused() throws IOException {
        byte[] ok = wire.encode(new Order("o", List.of()), WHERE);
        assertThatThrownBy(() -> wire.decode(Arrays.copyOf(ok, ok.length - 2), WHERE))
                .isInstanceOf(WireException.class).hasMessageStartingWith(WHERE + " could not be decoded:");
        assertThatThrownBy(() -> wire.decode(new byte[] {1, 2, 3}, WHERE)).isInstanceOf(WireException.class)
                .hasMessageContaining("is not a value Weft's wire format 1 wrote");
        assertThatThrownBy(() -> wire.decode(new byte[0], WHERE)).isInstanceOf(WireException.class);
        byte[] shortPoint = cbor(g -> {
            g.writeStartArray();
            g.writeNumber(1);
            g.writeStartArray();
            g.writeNumber(14);
            g.writeString(Point.class.getName());
            g.writeNumber(1);
            g.writeEndArray();
            g.writeEndArray();
        });
        assertThatThrownBy(() -> wire.decode(shortPoint, WHERE)).hasMessageContaining(
                "value is a dev.weft.cluster.WireKit$Point with 1 components, and this side's Point has 2");
        byte[] wrongType = cbor(g -> {
            g.writeStartArray();
            g.writeNumber(1);
            g.writeStartArray();
            g.writeNumber(14);
            g.writeString(Point.class.getName());
            g.writeString("one");
            g.writeNumber(2);
            g.writeEndArray();
            g.writeEndArray();
        });
        assertThatThrownBy(() -> wire.decode(wrongType, WHERE))
                .hasMessageContaining("has components that do not fit this side's");
        byte[] unknownConstant = cbor(g -> {
            g.writeStartArray();
            g.writeNumber(1);
            g.writeStartArray();
            g.writeNumber(13);
            g.writeString(Color.class.getName());
            g.writeString("PURPLE");
            g.writeEndArray();
            g.writeEndArray();
        });
        assertThatThrownBy(() -> wire.decode(unknownConstant, WHERE))
                .hasMessageContaining("value is dev.weft.cluster.WireKit$Color.PURPLE, a constant this side's Color"
                        + " does not have");
        byte[] deep = cbor(g -> {
            g.writeStartArray();
            g.writeNumber(1);
            for (int i = 0; i < 300; i++) {
                g.writeStartArray();
                g.writeNumber(10);
            }
            for (int i = 0; i < 300; i++) {
                g.writeEndArray();
            }
            g.writeEndArray();
        });
        assertThatThrownBy(() -> wire.decode(deep, WHERE)).hasMessageContaining("nested more than 256 levels deep");
    }

    interface Writes {
        void to(CBORGenerator g) throws IOException;
    }

    static byte[] cbor(Writes w) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CBORGenerator g = new CBORFactory().createGenerator(out)) {
            w.to(g);
        }
        return out.toByteArray();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // WireTypes

    enum Unlisted { A }

    interface Shape {
    }

    abstract static class AbstractShape {
    }

    class Inner {
        public Inner() {
        }
    }

    /** A class Java serialization could send but Jackson could not rebuild. */
    static final class OnlySerializable implements Serializable {
        private static final long serialVersionUID = 1L;
        final int n;

        OnlySerializable(int n) {
            this.n = n;
        }
    }

    /** A bean built through a {@link JsonCreator}: allowed. */
    static final class Created {
        final int n;

        @JsonCreator
        Created(@JsonProperty("n") int n) {
            this.n = n;
        }

        public int getN() {
            return n;
        }
    }

    /** A bean holding anything. */
    public static final class Holder {
        private Object thing;

        public Object getThing() {
            return thing;
        }

        public void setThing(Object thing) {
            this.thing = thing;
        }
    }

    @Test
    void withTypeRefusesClassesThatCanNeverCrossSayingWhy() {
        WireTypes t = WireTypes.defaults();
        record Local() {
        }
        Object[][] cases = {
            {Shape.class, "it is an interface"},
            {AbstractShape.class, "it is an abstract class"},
            {Object.class, "Object would allow any class at all"},
            {new Object() { }.getClass(), "it is an anonymous class"},
            {Local.class, "it is a local class"},
            {File.class, "it is a JDK class"},
            {Thread.class, "it is a JDK class"},
            {OnlySerializable.class, "neither a no-argument constructor nor a @JsonCreator"},
            {IllegalStateException.class, "it is an exception"},
            {int.class, "it is a primitive type"},
            {String[].class, "it is an array"},
            {ArrayDeque.class, "a collection that is not a List, Set or Map"},
            {Inner.class, "it is an inner class"},
            {Color.GREEN.getClass(), "allow the enum itself"},
        };
        for (Object[] c : cases) {
            Class<?> type = (Class<?>) c[0];
            assertThatThrownBy(() -> t.withType(type)).as(type.getName()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(type.getName() + " may not cross the wire: ")
                    .hasMessageContaining((String) c[1]);
        }
        assertThatThrownBy(() -> t.withType((Class<?>) null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void typesListsWhatWasAddedAndContainsAnswersForEveryClass() {
        WireTypes t = WireTypes.defaults().withType(Point.class, Color.class, Created.class, String.class,
                ArrayList.class, Point.class);
        assertThat(t.types()).containsExactly(Point.class, Color.class, Created.class);
        assertThat(WireTypes.defaults().types()).isEmpty();
        assertThat(t.contains(Point.class)).isTrue();
        assertThat(t.contains(Color.GREEN.getClass())).isTrue();
        assertThat(t.contains(Long.class)).isTrue();
        assertThat(t.contains(byte[].class)).isTrue();
        assertThat(t.contains(AbstractList.class)).isTrue();
        assertThat(t.contains(ConcurrentHashMap.class)).isTrue();
        assertThat(t.contains(Box.class)).isFalse();
        assertThat(t.contains(File.class)).isFalse();
        assertThat(t.contains(int[].class)).isFalse();
        assertThat(WireTypes.defaults().contains(Point.class)).isFalse();
        assertThat(t).isEqualTo(WireTypes.defaults().withType(Created.class, Color.class, Point.class));
        assertThat(t.toString()).isEqualTo("WireTypes[built-in types, dev.weft.cluster.WireKit$Point,"
                + " dev.weft.cluster.WireKit$Color, dev.weft.cluster.WireTest$Created]");
        assertThat(new Wire(t).decode(new Wire(t).encode(new Created(4), WHERE), WHERE))
                .isInstanceOfSatisfying(Created.class, c -> assertThat(c.n).isEqualTo(4));
    }
}
