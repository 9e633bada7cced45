package dev.weft.stm;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.SequencedSet;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The store's rule for values: <b>immutable, enforced when set</b>. A checkout hands out the committed objects
 * themselves, never copies, so nothing may change them once committed. {@link #freeze} accepts values known to be
 * immutable as they are (strings, boxed primitives, big numbers, enums, {@code java.time} values, UUIDs, records whose
 * components are all acceptable, the {@link StoreOptions#withImmutableTypes trusted types}); copies lists, sets and
 * maps into unmodifiable ones (their elements checked the same way; already immutable ones such as {@code List.of}
 * are kept); and refuses the rest, arrays included, with an {@link IllegalArgumentException} naming the store, the key
 * and where in the value the mutable part sits. A record is never rebuilt: one holding a mutable collection is
 * refused, since the record's owner could still change it.
 */
final class Values {
    private Values() {
    }

    /** Records' components, checked once per class: whether every component is immutable by its declared type. */
    private static final ClassValue<RecordShape> SHAPES = new ClassValue<>() {
        @Override
        protected RecordShape computeValue(Class<?> type) {
            return RecordShape.of(type);
        }
    };

    /**
     * {@code value}, or an unmodifiable copy of it when it is a mutable collection.
     *
     * @throws IllegalArgumentException if it is null, holds null, or is (or holds) something that may change
     */
    static Object freeze(Object value, String store, String key, Set<Class<?>> trusted) {
        if (value == null) {
            throw new IllegalArgumentException("null value for key '" + key + "' in store '" + store
                    + "': use remove to delete a key");
        }
        return freeze(value, new Where(store, key), trusted);
    }

    private static Object freeze(Object v, Where where, Set<Class<?>> trusted) {
        if (v == null) {
            throw where.refuse("holds null, which immutable collections and the store refuse");
        }
        Class<?> c = v.getClass();
        if (knownImmutable(c) || isTrusted(c, trusted)) {
            return v;
        }
        if (c.isRecord()) {
            checkRecord(v, SHAPES.get(c), where, trusted);
            return v;
        }
        if (v instanceof Optional<?> o) {
            if (o.isEmpty()) {
                return v;
            }
            Object inner = freeze(o.get(), where.in(".get()", null, ""), trusted);
            return inner == o.get() ? v : Optional.of(inner);
        }
        if (v instanceof List<?> list) {
            return freezeList(list, where, trusted);
        }
        if (v instanceof Set<?> set) {
            return freezeSet(set, where, trusted);
        }
        if (v instanceof Map<?, ?> map) {
            return freezeMap(map, where, trusted);
        }
        if (c.isArray()) {
            throw where.refuse("is an array (" + c.getComponentType().getName() + "[]), which can change after the "
                    + "commit; store a List (List.of or List.copyOf) instead");
        }
        if (v instanceof Collection<?>) {
            throw where.refuse("is a " + c.getName() + ", a collection the store cannot copy; store a List, Set or "
                    + "Map");
        }
        throw where.refuse("is a " + c.getName() + ", which the store does not know to be immutable; store a record, "
                + "a String, a boxed primitive, an enum, a java.time value or an immutable collection, or declare "
                + c.getSimpleName() + " immutable with StoreOptions.withImmutableTypes");
    }

    /**
     * Final classes whose instances never change: immutable as a value's class and as a record component's declared
     * type alike (a declared {@code BigInteger} could hold a mutable subclass, so the big numbers are only values).
     */
    private static final Set<Class<?>> FINAL_IMMUTABLE = Set.of(String.class, Integer.class, Long.class,
            Boolean.class, Double.class, Float.class, Short.class, Byte.class, Character.class, UUID.class);

    private static boolean knownImmutable(Class<?> c) {
        return FINAL_IMMUTABLE.contains(c) || c == BigInteger.class || c == BigDecimal.class || c == Class.class
                || c.isEnum() || (c.getSuperclass() != null && c.getSuperclass().isEnum())
                || "java.time".equals(c.getPackageName());
    }

    private static boolean isTrusted(Class<?> c, Set<Class<?>> trusted) {
        if (trusted.isEmpty()) {
            return false;
        }
        for (Class<?> t : trusted) {
            if (t.isAssignableFrom(c)) {
                return true;
            }
        }
        return false;
    }

    private static Object freezeList(List<?> list, Where where, Set<Class<?>> trusted) {
        boolean same = isImmutableList(list);
        List<Object> out = new ArrayList<>(list.size());
        int i = 0;
        for (Object e : list) {
            Object f = freeze(e, where.in("[", i++, "]"), trusted);
            same &= f == e;
            out.add(f);
        }
        return same ? list : List.copyOf(out);
    }

    private static boolean isImmutableList(List<?> list) {
        try {
            return List.copyOf(list) == list; // the JDK returns its own immutable lists as they are
        } catch (NullPointerException e) {
            return false; // a null element: refused when the elements are checked
        }
    }

    private static Object freezeSet(Set<?> set, Where where, Set<Class<?>> trusted) {
        boolean same = !(set instanceof SequencedSet<?>) && isImmutableSet(set);
        List<Object> out = new ArrayList<>(set.size());
        for (Object e : set) {
            Object f = freeze(e, where.in("{", e, "}"), trusted);
            same &= f == e;
            out.add(f);
        }
        if (same) {
            return set;
        }
        if (set instanceof SortedSet<?> sorted) {
            @SuppressWarnings("unchecked") // the copy keeps the set's own comparator, made for its elements
            TreeSet<Object> copy = new TreeSet<>((java.util.Comparator<Object>) sorted.comparator());
            copy.addAll(out);
            return Collections.unmodifiableSortedSet(copy);
        }
        if (set instanceof SequencedSet<?>) {
            return Collections.unmodifiableSequencedSet(new LinkedHashSet<>(out)); // keeps the order it was given
        }
        return Set.copyOf(out);
    }

    private static boolean isImmutableSet(Set<?> set) {
        try {
            return Set.copyOf(set) == set;
        } catch (NullPointerException e) {
            return false;
        }
    }

    private static Object freezeMap(Map<?, ?> map, Where where, Set<Class<?>> trusted) {
        boolean same = !(map instanceof SequencedMap<?, ?>) && isImmutableMap(map);
        List<Map.Entry<Object, Object>> out = new ArrayList<>(map.size());
        for (Map.Entry<?, ?> e : map.entrySet()) {
            Object k = freeze(e.getKey(), where.in(" key ", e.getKey(), ""), trusted);
            Object val = freeze(e.getValue(), where.in("[", e.getKey(), "]"), trusted);
            same &= k == e.getKey() && val == e.getValue();
            out.add(Map.entry(k, val));
        }
        if (same) {
            return map;
        }
        if (map instanceof SortedMap<?, ?> sorted) {
            @SuppressWarnings("unchecked") // the copy keeps the map's own comparator, made for its keys
            TreeMap<Object, Object> copy = new TreeMap<>((java.util.Comparator<Object>) sorted.comparator());
            out.forEach(e -> copy.put(e.getKey(), e.getValue()));
            return Collections.unmodifiableSortedMap(copy);
        }
        if (map instanceof SequencedMap<?, ?>) {
            LinkedHashMap<Object, Object> copy = new LinkedHashMap<>();
            out.forEach(e -> copy.put(e.getKey(), e.getValue()));
            return Collections.unmodifiableSequencedMap(copy);
        }
        Map<Object, Object> copy = new java.util.HashMap<>();
        out.forEach(e -> copy.put(e.getKey(), e.getValue()));
        return Map.copyOf(copy);
    }

    private static boolean isImmutableMap(Map<?, ?> map) {
        try {
            return Map.copyOf(map) == map;
        } catch (NullPointerException e) {
            return false;
        }
    }

    private static void checkRecord(Object r, RecordShape shape, Where where, Set<Class<?>> trusted) {
        if (shape.immutableByType) {
            return; // every component's declared type is immutable: nothing to look at per value
        }
        for (int i = 0; i < shape.names.length; i++) {
            if (shape.fixed[i]) {
                continue;
            }
            if (shape.accessors[i] == null) {
                throw where.refuse("is a " + r.getClass().getName() + " whose component '" + shape.names[i]
                        + "' the store cannot read to check it; open its package to dev.weft, or declare "
                        + r.getClass().getSimpleName() + " immutable with StoreOptions.withImmutableTypes");
            }
            Object v;
            try {
                v = shape.accessors[i].invoke(r);
            } catch (Throwable t) {
                throw where.refuse("could not be read (component '" + shape.names[i] + "' threw " + t + ")");
            }
            if (v == null) {
                continue; // a record may hold null; nothing can change through it
            }
            Object f = freeze(v, where.in(".", shape.names[i], "()"), trusted);
            if (f != v) {
                throw where.in(".", shape.names[i], "()").refuse("is a " + v.getClass().getName()
                        + ", which can change after the commit; have " + r.getClass().getSimpleName()
                        + " keep an unmodifiable copy (List.copyOf, Set.copyOf, Map.copyOf in its constructor)");
            }
        }
    }

    /** A record class's components and which of them need no per-value check. */
    private record RecordShape(String[] names, MethodHandle[] accessors, boolean[] fixed, boolean immutableByType) {
        static RecordShape of(Class<?> type) {
            RecordComponent[] rc = type.getRecordComponents();
            String[] names = new String[rc.length];
            MethodHandle[] accessors = new MethodHandle[rc.length];
            boolean[] fixed = new boolean[rc.length];
            boolean all = true;
            for (int i = 0; i < rc.length; i++) {
                names[i] = rc[i].getName();
                fixed[i] = immutableType(rc[i].getType(), type);
                all &= fixed[i];
                if (!fixed[i]) {
                    accessors[i] = accessor(rc[i]);
                }
            }
            return new RecordShape(names, accessors, fixed, all);
        }

        /**
         * The component's accessor: a public record's public accessor as it is, else made accessible (a record in a
         * package not opened to {@code dev.weft} cannot be; then null, and a value of it is refused saying so).
         */
        private static MethodHandle accessor(RecordComponent rc) {
            try {
                return MethodHandles.publicLookup().unreflect(rc.getAccessor());
            } catch (IllegalAccessException notPublic) {
                try {
                    rc.getAccessor().setAccessible(true);
                    return MethodHandles.lookup().unreflect(rc.getAccessor());
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return null;
                }
            }
        }

        /** Whether every value of declared type {@code t} is immutable (final known types, nested such records). */
        private static boolean immutableType(Class<?> t, Class<?> outer) {
            if (t.isPrimitive() || FINAL_IMMUTABLE.contains(t) || t.isEnum()
                    || ("java.time".equals(t.getPackageName()) && Modifier.isFinal(t.getModifiers()))) {
                return true;
            }
            if (t.isRecord() && t != outer) {
                return SHAPES.get(t).immutableByType;
            }
            return false;
        }
    }

    /** Where in a value a check stands: the store, the key and a path such as {@code .tags()[2]}; made on refusal. */
    // The step is kept in parts and joined only on refusal: checking a big list makes no strings.
    private record Where(String store, String key, Where parent, String before, Object label, String after) {
        Where(String store, String key) {
            this(store, key, null, null, null, null);
        }

        Where in(String before, Object label, String after) {
            return new Where(store, key, this, before, label, after);
        }

        IllegalArgumentException refuse(String what) {
            StringBuilder path = new StringBuilder();
            for (Where w = this; w.parent != null; w = w.parent) {
                path.insert(0, w.before + (w.label == null ? "" : w.label) + w.after);
            }
            return new IllegalArgumentException("value for key '" + key + "' in store '" + store + "'"
                    + (path.isEmpty() ? "" : " at " + path) + " " + what);
        }
    }
}
