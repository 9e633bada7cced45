package dev.weft.tube;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A node's {@code depends} block, in one of noob's three forms; the form matters for a {@code return} node, whose
 * result takes its shape (a scalar, a list, or a map keyed by slot). Immutable.
 */
public final class Depends {
    /** How a {@code depends} block was written. */
    public enum Shape {
        /** {@code depends: a.value}: one source, no slot name; a return node gives the value itself. */
        SCALAR,
        /** A list of bare sources (or integer keys): positional slots; a return node gives a list. */
        LIST,
        /** A list of one-key maps {@code slot: source}: named slots; a return node gives a map. */
        MAP,
        /** Named and positional slots mixed; legal for nodes, refused for a return node. */
        MIXED
    }

    /** No dependencies. */
    public static final Depends NONE = new Depends(Shape.LIST, List.of());

    private final Shape shape;
    private final List<Dependency> entries;

    private Depends(Shape shape, List<Dependency> entries) {
        this.shape = Objects.requireNonNull(shape, "shape");
        this.entries = List.copyOf(entries);
        if (shape == Shape.SCALAR && entries.size() != 1) {
            throw new IllegalArgumentException("a scalar depends has exactly one source, not " + entries.size());
        }
    }

    /** How the block was written. */
    public Shape shape() {
        return shape;
    }

    /** The dependencies, in the order written. */
    public List<Dependency> entries() {
        return entries;
    }

    /** {@code depends: source}. */
    public static Depends scalar(String source) {
        return new Depends(Shape.SCALAR, List.of(Dependency.positional(0, source)));
    }

    /** A list of bare sources: positional slots 0, 1, ... */
    public static Depends list(String... sources) {
        List<Dependency> deps = new ArrayList<>();
        for (int i = 0; i < sources.length; i++) {
            deps.add(Dependency.positional(i, sources[i]));
        }
        return new Depends(Shape.LIST, deps);
    }

    /** Named slots from pairs: {@code named("left", "a.value", "right", "b.value")}. */
    public static Depends named(String... slotSourcePairs) {
        if (slotSourcePairs.length % 2 != 0) {
            throw new IllegalArgumentException("named depends takes slot, source pairs; got an odd count "
                    + slotSourcePairs.length);
        }
        List<Dependency> deps = new ArrayList<>();
        for (int i = 0; i < slotSourcePairs.length; i += 2) {
            deps.add(Dependency.named(slotSourcePairs[i], slotSourcePairs[i + 1]));
        }
        return new Depends(Shape.MAP, deps);
    }

    /** Any dependencies; the shape follows from whether their slots are named, positional or both. */
    public static Depends of(List<Dependency> entries) {
        boolean named = entries.stream().anyMatch(d -> !d.isPositional());
        boolean positional = entries.stream().anyMatch(Dependency::isPositional);
        Shape shape = named && positional ? Shape.MIXED : named ? Shape.MAP : Shape.LIST;
        return new Depends(shape, entries);
    }

    /** Whether there are no dependencies. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Depends d && shape == d.shape && entries.equals(d.entries);
    }

    @Override
    public int hashCode() {
        return shape.hashCode() * 31 + entries.hashCode();
    }

    @Override
    public String toString() {
        return shape + entries.toString();
    }
}
