package dev.weft.tube;

import java.util.Objects;

/**
 * Where an event happened: a root epoch (one pass over the tube, one {@link TubeRunner#process()}), or a sub-epoch
 * {@code parent/(map, i)} made when the {@code map} node {@code map} split a value, once per element {@code i}.
 * Only the nodes downstream of the map run in its sub-epochs; they see values from the parent epoch as well.
 * Ordered root first, then segment by segment, so a stateful node's runs are in this order. Immutable.
 */
public final class Epoch implements Comparable<Epoch> {
    private final long root;
    private final Epoch parent;
    private final String node;
    private final int index;
    private final int depth;
    /** Computed once: epochs are map keys in the event store, looked up along their parent chain. */
    private final int hash;

    private Epoch(long root, Epoch parent, String node, int index) {
        this.root = root;
        this.parent = parent;
        this.node = node;
        this.index = index;
        this.depth = parent == null ? 0 : parent.depth + 1;
        this.hash = parent == null ? Long.hashCode(root) : (parent.hash * 31 + node.hashCode()) * 31 + index;
    }

    /** Root epoch {@code n} (from 0). */
    public static Epoch root(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("root epoch " + n + " is negative");
        }
        return new Epoch(n, null, null, 0);
    }

    /** The sub-epoch {@code this/(mapNode, index)}. */
    public Epoch sub(String mapNode, int index) {
        Objects.requireNonNull(mapNode, "mapNode");
        if (index < 0) {
            throw new IllegalArgumentException("sub-epoch index " + index + " is negative");
        }
        return new Epoch(root, this, mapNode, index);
    }

    /** The root epoch's number. */
    public long rootNumber() {
        return root;
    }

    /** The root epoch this one is in (itself if root). */
    public Epoch rootEpoch() {
        Epoch e = this;
        while (e.parent != null) {
            e = e.parent;
        }
        return e;
    }

    /** Whether this is a root epoch. */
    public boolean isRoot() {
        return parent == null;
    }

    /** The parent epoch, or {@code null} for a root. */
    public Epoch parent() {
        return parent;
    }

    /** How many sub-epoch segments: 0 for a root. */
    public int depth() {
        return depth;
    }

    /** The map node of the last segment, or {@code null} for a root. */
    public String mapNode() {
        return node;
    }

    /** The index of the last segment (0 for a root). */
    public int index() {
        return index;
    }

    /** This epoch's ancestor (or itself) at {@code depth}. */
    public Epoch ancestorAt(int depth) {
        if (depth < 0 || depth > this.depth) {
            throw new IllegalArgumentException("epoch " + this + " has no ancestor at depth " + depth);
        }
        Epoch e = this;
        while (e.depth > depth) {
            e = e.parent;
        }
        return e;
    }

    /** Whether this epoch is {@code other} or inside it. */
    public boolean isWithin(Epoch other) {
        return other.depth <= depth && ancestorAt(other.depth).equals(other);
    }

    @Override
    public int compareTo(Epoch o) {
        int c = Long.compare(root, o.root);
        if (c != 0) {
            return c;
        }
        // compare at the shallower depth, then the shorter (an ancestor) first; nothing allocated: the sync runner
        // orders every ready run by epoch
        int d = Math.min(depth, o.depth);
        c = sameDepth(ancestorAt(d), o.ancestorAt(d));
        return c != 0 ? c : Integer.compare(depth, o.depth);
    }

    private static int sameDepth(Epoch a, Epoch b) {
        if (a == b || a.parent == null) {
            return 0;
        }
        int c = sameDepth(a.parent, b.parent);
        if (c != 0) {
            return c;
        }
        c = a.node.compareTo(b.node);
        return c != 0 ? c : Integer.compare(a.index, b.index);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof Epoch e && hash == e.hash && root == e.root && depth == e.depth && index == e.index
                && Objects.equals(node, e.node) && Objects.equals(parent, e.parent);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** {@code 3}, or {@code 3/(b,0)/(c,2)}. */
    @Override
    public String toString() {
        return parent == null ? Long.toString(root) : parent + "/(" + node + "," + index + ")";
    }
}
