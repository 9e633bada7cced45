package dev.weft.stm;

import java.util.Objects;
import java.util.Set;

/**
 * How a {@link Store} is made: its name (in every message), its {@link CommitMode}, the {@link Retry} of
 * {@link Store#atomically(dev.weft.function.ThrowingFunction)}, and classes it may take as values besides those it
 * knows to be immutable. Immutable; each {@code with…} returns a changed copy.
 *
 * <pre>{@code
 * Store bank = Store.create(StoreOptions.named("bank").withCommitMode(CommitMode.LOCK));
 * }</pre>
 */
public final class StoreOptions {
    private static final StoreOptions DEFAULTS =
            new StoreOptions("store", CommitMode.CAS, Retry.defaults(), Set.of());

    private final String name;
    private final CommitMode commitMode;
    private final Retry retry;
    private final Set<Class<?>> immutableTypes;

    private StoreOptions(String name, CommitMode commitMode, Retry retry, Set<Class<?>> immutableTypes) {
        this.name = name;
        this.commitMode = commitMode;
        this.retry = retry;
        this.immutableTypes = immutableTypes;
    }

    /**
     * Named {@code "store"}, {@link CommitMode#CAS} (measured ahead of {@link CommitMode#LOCK} on transfers between
     * many accounts, and on par with ordered lock sets: BENCHMARKS.md, section 14), {@link Retry#defaults()}.
     */
    public static StoreOptions defaults() {
        return DEFAULTS;
    }

    /** The defaults, named {@code name}. */
    public static StoreOptions named(String name) {
        return DEFAULTS.withName(name);
    }

    /**
     * Named {@code name}, used in every message of the store.
     *
     * @throws IllegalArgumentException if blank
     */
    public StoreOptions withName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a store's name must be non-blank, got '" + name + "'");
        }
        return new StoreOptions(name, commitMode, retry, immutableTypes);
    }

    /** Commits made atomic as {@code mode} says. */
    public StoreOptions withCommitMode(CommitMode mode) {
        return new StoreOptions(name, Objects.requireNonNull(mode, "mode"), retry, immutableTypes);
    }

    /** The retry {@link Store#atomically(dev.weft.function.ThrowingFunction)} uses. */
    public StoreOptions withRetry(Retry retry) {
        return new StoreOptions(name, commitMode, Objects.requireNonNull(retry, "retry"), immutableTypes);
    }

    /**
     * Also takes instances of {@code types} (and their subclasses) as values, trusting that they never change once
     * made: for immutable classes the store cannot recognise (final fields all through), or for handles whose identity
     * is the value (a component, a service). The store cannot check this; a type that does change breaks every
     * snapshot that holds it.
     */
    public StoreOptions withImmutableTypes(Class<?>... types) {
        Objects.requireNonNull(types, "types");
        java.util.HashSet<Class<?>> all = new java.util.HashSet<>(immutableTypes);
        for (Class<?> t : types) {
            all.add(Objects.requireNonNull(t, "type"));
        }
        return new StoreOptions(name, commitMode, retry, Set.copyOf(all));
    }

    /** The store's name. */
    public String name() {
        return name;
    }

    /** How commits are made atomic. */
    public CommitMode commitMode() {
        return commitMode;
    }

    /** The retry of {@link Store#atomically(dev.weft.function.ThrowingFunction)}. */
    public Retry retry() {
        return retry;
    }

    /** The classes trusted as immutable besides those the store knows. */
    public Set<Class<?>> immutableTypes() {
        return immutableTypes;
    }

    @Override
    public String toString() {
        return "StoreOptions[" + name + ", " + commitMode + ", " + retry + ", trusting " + immutableTypes + "]";
    }
}
