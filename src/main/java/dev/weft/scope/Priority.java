package dev.weft.scope;

/**
 * How urgent a piece of work is: a level from {@value #MIN_LEVEL} ({@link #LOW}) to {@value #MAX_LEVEL}, higher
 * served first. Seed 000 starts with two levels, {@link #HIGH} and {@link #LOW}; {@link #NORMAL} sits between them and
 * is what work without a stated priority gets; {@link #of(int)} gives the others.
 *
 * <p>Used by priority inboxes ({@code dev.weft.component}) and by a scope's admission of forks waiting for a
 * concurrency slot ({@code scope.fork(name, priority, task)}). Instances are interned
 * (one per level, so {@code ==} works) and immutable; thread safe.
 */
public final class Priority implements Comparable<Priority> {
    /** The lowest level. */
    public static final int MIN_LEVEL = 0;
    /** The highest level. */
    public static final int MAX_LEVEL = 31;

    private static final Priority[] LEVELS = new Priority[MAX_LEVEL + 1];

    static {
        for (int i = MIN_LEVEL; i <= MAX_LEVEL; i++) {
            LEVELS[i] = new Priority(i);
        }
    }

    /** Level 0: served last, protected from starving only by the starvation guard of what serves it. */
    public static final Priority LOW = LEVELS[0];
    /** Level 8: the priority of work that states none. */
    public static final Priority NORMAL = LEVELS[8];
    /** Level 16: served before {@link #NORMAL} and {@link #LOW}. */
    public static final Priority HIGH = LEVELS[16];

    private final int level;

    private Priority(int level) {
        this.level = level;
    }

    /**
     * The priority of {@code level}.
     *
     * @throws IllegalArgumentException if {@code level} is outside {@value #MIN_LEVEL}..{@value #MAX_LEVEL}
     */
    public static Priority of(int level) {
        if (level < MIN_LEVEL || level > MAX_LEVEL) {
            throw new IllegalArgumentException("priority level must be within " + MIN_LEVEL + ".." + MAX_LEVEL
                    + ", got " + level);
        }
        return LEVELS[level];
    }

    /** The level: higher is more urgent. */
    public int level() {
        return level;
    }

    /** Whether this priority is served before {@code other}. */
    public boolean isHigherThan(Priority other) {
        return level > other.level;
    }

    /** Orders by level, lowest first (so a max-heap or a descending sort serves the most urgent first). */
    @Override
    public int compareTo(Priority other) {
        return Integer.compare(level, other.level);
    }

    @Override
    public String toString() {
        return level == LOW.level ? "LOW" : level == NORMAL.level ? "NORMAL" : level == HIGH.level ? "HIGH"
                : "P" + level;
    }
}
