package dev.weft.component;

import dev.weft.scope.Priority;
import java.util.Objects;

/**
 * How a priority inbox ({@link Component#addPriorityInbox(String, PriorityInboxOptions)}) is bounded and guarded:
 * <ul>
 *   <li>{@link #capacity()}: messages it holds, all levels together, before senders wait (or their linkage's
 *       {@link Delivery} applies). Senders waiting for room are woken highest priority first. Default
 *       {@value Component#DEFAULT_CAPACITY}.</li>
 *   <li>{@link #starvationLimit()}: the starvation guard. While a lower level has messages waiting, each reception
 *       that passes it over counts against it; once a level has been passed over this many receptions in a row, the
 *       next reception serves that level (the lowest such level first) and its count starts again. So a lower level
 *       that holds messages is served at least once every {@code limit + 1} receptions ({@code limit + k} when
 *       {@code k} levels starve at once), and higher levels keep all the other receptions. {@link Integer#MAX_VALUE} turns the guard off (strict
 *       priority: a lower level may starve). Default {@value #DEFAULT_STARVATION_LIMIT}.</li>
 *   <li>{@link #defaultPriority()}: the level of a message that is not {@link Prioritized}, and of control messages.
 *       Default {@link Priority#NORMAL}.</li>
 * </ul>
 * Immutable and thread safe.
 */
public final class PriorityInboxOptions {
    /** The default starvation limit. */
    public static final int DEFAULT_STARVATION_LIMIT = 16;
    private static final PriorityInboxOptions DEFAULTS = new PriorityInboxOptions(Component.DEFAULT_CAPACITY,
            DEFAULT_STARVATION_LIMIT, Priority.NORMAL);

    private final int capacity;
    private final int starvationLimit;
    private final Priority defaultPriority;

    private PriorityInboxOptions(int capacity, int starvationLimit, Priority defaultPriority) {
        this.capacity = capacity;
        this.starvationLimit = starvationLimit;
        this.defaultPriority = defaultPriority;
    }

    /** Capacity {@value Component#DEFAULT_CAPACITY}, starvation limit {@value #DEFAULT_STARVATION_LIMIT}, NORMAL. */
    public static PriorityInboxOptions defaults() {
        return DEFAULTS;
    }

    /**
     * These options with another capacity.
     *
     * @throws IllegalArgumentException if below 1
     */
    public PriorityInboxOptions withCapacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("priority inbox capacity must be >= 1, got " + capacity);
        }
        return new PriorityInboxOptions(capacity, starvationLimit, defaultPriority);
    }

    /**
     * These options with another starvation limit ({@link Integer#MAX_VALUE}: no guard).
     *
     * @throws IllegalArgumentException if below 1
     */
    public PriorityInboxOptions withStarvationLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("starvation limit must be >= 1 (Integer.MAX_VALUE for none), got "
                    + limit);
        }
        return new PriorityInboxOptions(capacity, limit, defaultPriority);
    }

    /** These options with another priority for messages that state none. */
    public PriorityInboxOptions withDefaultPriority(Priority priority) {
        return new PriorityInboxOptions(capacity, starvationLimit, Objects.requireNonNull(priority, "priority"));
    }

    /** Messages held, all levels together. */
    public int capacity() {
        return capacity;
    }

    /** Receptions a waiting lower level may be passed over in a row. */
    public int starvationLimit() {
        return starvationLimit;
    }

    /** The level of messages that state none. */
    public Priority defaultPriority() {
        return defaultPriority;
    }

    @Override
    public String toString() {
        return "PriorityInboxOptions[capacity=" + capacity + ", starvationLimit="
                + (starvationLimit == Integer.MAX_VALUE ? "none" : starvationLimit) + ", defaultPriority="
                + defaultPriority + "]";
    }
}
