package dev.weft.cluster;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The value types that may cross the wire between cluster members: operation inputs and outputs, tube events.
 *
 * <p>Why an allow-list: Pekko's remoting ships no code, only messages, so a value can cross only if both sides already
 * have its class; and the receiving side must never build an object of a class named by bytes from the network
 * (Java serialization is off on the wire for that reason: a class name in the bytes is how deserialisation gadgets run
 * code, the remote code execution noob's authors warn about for TCP). So a value crosses only if every class in its
 * graph is one both members know and allow, and each side checks with its own list: the sender before serialising,
 * the receiver before instantiating.
 *
 * <p>{@link #defaults()} allows, with no configuration:
 * <ul>
 *   <li>{@code null}, {@link String}, {@link Boolean}, {@link Character}, {@link Byte}, {@link Short},
 *       {@link Integer}, {@link Long}, {@link Float}, {@link Double}, {@link BigInteger}, {@link BigDecimal} (its
 *       scale kept), {@code byte[]}, {@link Instant} and {@link Duration}; each comes back as exactly that class
 *       (a {@code Long} stays a {@code Long} however small);</li>
 *   <li>any {@link List}, {@link Set} or {@link Map} of allowed values (and, for maps, allowed keys of any of these
 *       types), nested to any depth up to 256 levels. They come back as a mutable {@link ArrayList},
 *       {@link java.util.LinkedHashSet} and {@link LinkedHashMap} in the sender's iteration order.</li>
 * </ul>
 * {@link #withType} adds the application's own types:
 * <ul>
 *   <li>records, rebuilt through their canonical constructor from their components (each component's value must
 *       itself be allowed, and comes back as exactly its class, like the built-in types);</li>
 *   <li>enums (by constant name);</li>
 *   <li>plain Jackson beans: concrete classes that Jackson can rebuild (a no-argument constructor, or a
 *       {@link JsonCreator}). Jackson's data binding reads and writes their properties by their declared types; the
 *       sender checks every property value as it checks any value, but a property declared {@code Object} or
 *       {@code Number} comes back as Jackson's natural type for it (an {@code Integer} for a small {@code Long}).
 *       Prefer records where exact classes matter.</li>
 * </ul>
 * Never allowed: interfaces and abstract classes (a value's concrete class is what crosses), {@code Object},
 * anonymous, local and hidden classes (no name the other side can find), inner classes, exceptions, arrays other than
 * {@code byte[]}, collections that are not lists, sets or maps, and JDK classes beyond those above (such as
 * {@link java.io.File}, which is only {@link java.io.Serializable}). Shared references are not kept (a value referenced
 * twice arrives as two equal copies) and cycles are refused.
 *
 * <p>Both members of a cluster should use equal lists. Immutable; {@link #withType} returns a copy. Thread safe.
 */
public final class WireTypes {
    /** The built-in classes that cross as themselves (besides lists, sets and maps). */
    private static final Set<Class<?>> BUILT_IN = Set.of(String.class, Boolean.class, Character.class, Byte.class,
            Short.class, Integer.class, Long.class, Float.class, Double.class, BigInteger.class, BigDecimal.class,
            byte[].class, Instant.class, Duration.class);

    private static final WireTypes DEFAULTS = new WireTypes(List.of(), Map.of());

    private final List<Class<?>> added;
    private final Map<String, Class<?>> byName;

    private WireTypes(List<Class<?>> added, Map<String, Class<?>> byName) {
        this.added = added;
        this.byName = byName;
    }

    /** The built-in types only: the scalars, {@code byte[]}, {@code Instant}, {@code Duration}, lists, sets, maps. */
    public static WireTypes defaults() {
        return DEFAULTS;
    }

    /**
     * A copy that also allows values of these records, enums or Jackson bean classes. A built-in type (or a list, set
     * or map class) is allowed already and changes nothing; a class allowed already is not added twice.
     *
     * @throws IllegalArgumentException for a class that may never cross, saying why: an interface, abstract class,
     *                                  {@code Object}, anonymous, local, hidden or inner class, an exception, an array
     *                                  other than {@code byte[]}, a collection that is not a list, set or map, a JDK
     *                                  class, a class Jackson could not rebuild (one that is only
     *                                  {@link java.io.Serializable}), a record whose package is not open to Weft, or a
     *                                  second class of the same name
     * @throws NullPointerException     for a null class
     */
    public WireTypes withType(Class<?>... types) {
        Objects.requireNonNull(types, "types");
        List<Class<?>> list = new ArrayList<>(added);
        Map<String, Class<?>> names = new LinkedHashMap<>(byName);
        for (Class<?> c : types) {
            Objects.requireNonNull(c, "a type passed to WireTypes.withType is null");
            if (builtIn(c) || names.get(c.getName()) == c) {
                continue;
            }
            String why = whyNot(c);
            if (why != null) {
                throw new IllegalArgumentException(c.getName() + " may not cross the wire: " + why);
            }
            if (names.containsKey(c.getName())) {
                throw new IllegalArgumentException(c.getName() + " may not cross the wire: another class of that name"
                        + " (from another class loader) is allowed already, and the receiver finds classes by name");
            }
            list.add(c);
            names.put(c.getName(), c);
        }
        return new WireTypes(List.copyOf(list), Collections.unmodifiableMap(names));
    }

    /** The classes added with {@link #withType}, in the order added (the built-in types are not listed). */
    public List<Class<?>> types() {
        return added;
    }

    /**
     * Whether values of exactly this class may cross: a built-in type, a list, set or map implementation (whose
     * elements are checked one by one), an added type, or the constant-specific class of an added enum's constant.
     */
    public boolean contains(Class<?> type) {
        Objects.requireNonNull(type, "type");
        if (builtIn(type)) {
            return true;
        }
        Class<?> c = type.isAnonymousClass() && type.getSuperclass() != null && type.getSuperclass().isEnum()
                ? type.getSuperclass() : type;
        return byName.get(c.getName()) == c;
    }

    /** The added class of this name, or {@code null}: how the receiving side finds classes (never by loading them). */
    Class<?> named(String name) {
        return byName.get(name);
    }

    /** Whether {@code c} is one of the types every member allows without configuration. */
    static boolean builtIn(Class<?> c) {
        return BUILT_IN.contains(c) || isContainer(c);
    }

    /** A concrete or abstract list, set or map class, which crosses as {@code ArrayList}, {@code LinkedHashSet}, .... */
    static boolean isContainer(Class<?> c) {
        return List.class.isAssignableFrom(c) || Set.class.isAssignableFrom(c) || Map.class.isAssignableFrom(c);
    }

    /**
     * Why {@code c} may never be added with {@link #withType}, as a phrase, or {@code null} if it may (whether or not
     * it is added).
     */
    static String whyNot(Class<?> c) {
        if (c.isPrimitive()) {
            return "it is a primitive type; values cross boxed (" + c.getName() + " as its box), and the boxes are"
                    + " allowed already";
        }
        if (c.isArray()) {
            return "it is an array, and only byte[] crosses as an array; send a List instead";
        }
        if (c == Object.class) {
            return "Object would allow any class at all; name the concrete classes instead";
        }
        if (c.isInterface()) {
            return "it is an interface, and a value's concrete class is what crosses; allow the records or classes"
                    + " that implement it";
        }
        if (c.isHidden()) {
            return "it is a hidden class (a lambda's, say), which has no name the other side can find";
        }
        if (c.isAnonymousClass()) {
            if (c.getSuperclass() != null && c.getSuperclass().isEnum()) {
                return "it is the class of a constant with a body of enum " + c.getSuperclass().getName()
                        + "; allow the enum itself";
            }
            return "it is an anonymous class, which has no stable name the other side can find; declare it as a"
                    + " top-level or static nested class";
        }
        if (c.isLocalClass()) {
            return "it is a local class (declared inside a method), which has no stable name the other side can"
                    + " find; declare it as a top-level or static nested class";
        }
        if (Modifier.isAbstract(c.getModifiers())) {
            return "it is an abstract class, and a value's concrete class is what crosses; allow its concrete"
                    + " subclasses";
        }
        if (Throwable.class.isAssignableFrom(c)) {
            return "it is an exception, and exceptions do not cross as values (stack traces and causes are not"
                    + " data); send a record with what the other side needs to know";
        }
        if (Collection.class.isAssignableFrom(c) || Map.class.isAssignableFrom(c)) {
            return "it is a collection that is not a List, Set or Map; copy it into a List";
        }
        if (jdk(c)) {
            return "it is a JDK class, and of the JDK's classes only the built-in types cross (strings, numbers,"
                    + " byte[], Instant, Duration, lists, sets and maps): send what it holds as one of them (a path"
                    + " or URL as a String, say); Java serialization is off on the wire";
        }
        if (c.isMemberClass() && !Modifier.isStatic(c.getModifiers())) {
            return "it is an inner class, which needs an instance of " + c.getEnclosingClass().getName()
                    + " to be built; make it a static nested class or a record";
        }
        if (c.isEnum()) {
            return null;
        }
        if (c.isRecord()) {
            return openToWeft(c);
        }
        if (!rebuildable(c)) {
            return "it has neither a no-argument constructor nor a @JsonCreator, so Jackson could not rebuild it"
                    + " on the other side (a class that is only Serializable cannot cross: Java serialization is off"
                    + " on the wire); make it a record, or a bean with a no-argument constructor";
        }
        return null;
    }

    private static boolean jdk(Class<?> c) {
        Module m = c.getModule();
        if (!m.isNamed()) {
            return false;
        }
        String name = m.getName();
        return name.startsWith("java.") || name.startsWith("jdk.");
    }

    /** Why a record's canonical constructor and accessors cannot be reached from Weft, or {@code null}. */
    private static String openToWeft(Class<?> c) {
        RecordComponent[] components = c.getRecordComponents();
        Class<?>[] params = new Class<?>[components.length];
        List<AccessibleObject> members = new ArrayList<>();
        for (int i = 0; i < components.length; i++) {
            params[i] = components[i].getType();
            members.add(components[i].getAccessor());
        }
        try {
            members.add(c.getDeclaredConstructor(params));
        } catch (NoSuchMethodException e) {
            return "its canonical constructor could not be found";
        }
        for (AccessibleObject member : members) {
            if (!member.trySetAccessible()) {
                return "Weft cannot reach its constructor and accessors: its module " + c.getModule().getName()
                        + " does not open package " + c.getPackageName() + " to dev.weft; add 'opens "
                        + c.getPackageName() + " to dev.weft;' to its module-info.java";
            }
        }
        return null;
    }

    private static boolean rebuildable(Class<?> c) {
        for (Constructor<?> k : c.getDeclaredConstructors()) {
            if (k.getParameterCount() == 0 || k.isAnnotationPresent(JsonCreator.class)) {
                return true;
            }
        }
        for (Method m : c.getDeclaredMethods()) {
            if (Modifier.isStatic(m.getModifiers()) && m.isAnnotationPresent(JsonCreator.class)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WireTypes w && Set.copyOf(added).equals(Set.copyOf(w.added));
    }

    @Override
    public int hashCode() {
        return Set.copyOf(added).hashCode();
    }

    @Override
    public String toString() {
        return "WireTypes[built-in types" + (added.isEmpty() ? "" : ", "
                + String.join(", ", added.stream().map(Class::getName).toList())) + "]";
    }
}
