package dev.weft.stm;

import dev.weft.function.ThrowingFunction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A store of named, versioned values with optimistic transactions: Axon's STM ({@code Axon/STM.py}), which seed 002's
 * author would build a new system on ("STM + message passing rather than locks").
 *
 * <pre>{@code
 * Store bank = Store.create(StoreOptions.named("bank"));
 * bank.atomically(tx -> tx.set("alice", 100L).set("bob", 0L));
 * bank.atomically(tx -> {                       // runs again, on fresh values, if a commit got in between
 *     long a = tx.get("alice", Long.class);
 *     tx.set("alice", a - 30).set("bob", tx.get("bob", Long.class) + 30);
 *     return null;
 * });
 * }</pre>
 *
 * <p><b>Transactions.</b> A {@link Checkout} reads a consistent snapshot: every key as of one version of the store,
 * the version of the last commit when it was taken. It changes its own view, and {@link Checkout#commit()} publishes
 * every change under a new version, or nothing, throwing {@link ConcurrentUpdateException} naming the keys read that
 * changed meanwhile. {@link #atomically} runs a transaction function, committing it, and runs it again on a
 * conflict under a bounded {@link Retry}; the function must be safe to run more than once (no side effects outside
 * the checkout). Commits are linearizable; a transaction that read stale data never commits.
 *
 * <p><b>Values are immutable</b>, enforced when set: checkouts hand out the committed objects, never copies. Records
 * (of immutable components), strings, boxed primitives, enums, {@code java.time} values are taken as they are; lists,
 * sets and maps are copied into unmodifiable ones; anything else, arrays included, is refused with an
 * {@link IllegalArgumentException} naming the key and where in the value, unless its class is trusted through
 * {@link StoreOptions#withImmutableTypes}.
 *
 * <p><b>Threads.</b> Thread safe. Reads ({@link #get}, {@link #checkout}, a checkout's lazy reads) take no lock: they
 * read the clock, then the keys, and start again if a key is newer than the clock they read. Commits take one short
 * store-wide lock or claim their keys by compare-and-set ({@link CommitMode}, measured in BENCHMARKS.md). Nothing
 * blocks inside {@code synchronized}, so virtual threads never pin. A key once written keeps a small slot after it is
 * removed (its version must outlive it, so that a checkout that saw it can be refused).
 */
public final class Store {
    private final StoreOptions options;
    private final ConcurrentHashMap<String, Cell> cells = new ConcurrentHashMap<>();
    /** The version of the last published commit; snapshots are taken at it. */
    final AtomicLong clock = new AtomicLong();
    private final Committer committer;
    private final LongAdder commits = new LongAdder();
    private final LongAdder conflicts = new LongAdder();

    private Store(StoreOptions options, Committer committer) {
        this.options = options;
        this.committer = committer;
    }

    /** An empty store with {@link StoreOptions#defaults()}. */
    public static Store create() {
        return create(StoreOptions.defaults());
    }

    /** An empty store made as {@code options} say. */
    public static Store create(StoreOptions options) {
        return new Store(Objects.requireNonNull(options, "options"), Committer.of(options.commitMode()));
    }

    /** A store committing through {@code committer}: for tests that check the properties fail on broken ones. */
    static Store withCommitter(StoreOptions options, Committer committer) {
        return new Store(options, committer);
    }

    /** The store's name. */
    public String name() {
        return options.name();
    }

    /** The options it was made with. */
    public StoreOptions options() {
        return options;
    }

    /** The version of the last commit (0 before any). */
    public long version() {
        return clock.get();
    }

    /** The latest committed value of {@code key}, if present; lock-free. */
    public Optional<Object> get(String key) {
        return Optional.ofNullable(current(Objects.requireNonNull(key, "key")).value());
    }

    /**
     * The latest committed value of {@code key} as a {@code type}, if present; lock-free, as {@link #get(String)}.
     *
     * @throws IllegalStateException if it is not a {@code type}
     */
    public <T> Optional<T> get(String key, Class<T> type) {
        return Optional.ofNullable(Checkout.cast(this, key, current(Objects.requireNonNull(key, "key")).value(), type));
    }

    /**
     * A checkout whose snapshot is taken now and holds {@code keys} (Axon's {@code using}); more keys may be read from
     * it later, as of the same snapshot.
     */
    public Checkout checkout(String... keys) {
        return checkout(Arrays.asList(keys));
    }

    /** As {@link #checkout(String...)}. */
    public Checkout checkout(Collection<String> keys) {
        Objects.requireNonNull(keys, "keys");
        while (true) {
            Checkout c = new Checkout(this, clock.get(), true);
            if (readAll(c, keys)) {
                return c;
            }
            Thread.onSpinWait(); // a commit landed on one of the keys while reading them: take a newer snapshot
        }
    }

    private boolean readAll(Checkout c, Collection<String> keys) {
        for (String k : keys) {
            Objects.requireNonNull(k, "key");
            if (c.readStateOf(k) != null) {
                continue;
            }
            Cell cell = cells.get(k);
            Versioned v = cell == null ? Versioned.ABSENT : current(cell);
            if (v.version() > c.version()) {
                return false;
            }
            c.addRead(k, cell, v);
        }
        return true;
    }

    /** The values of {@code keys} as of one version, in the order given; absent keys are left out. */
    public Map<String, Object> snapshot(String... keys) {
        Checkout c = checkout(keys);
        Map<String, Object> out = new LinkedHashMap<>();
        for (String k : keys) {
            c.find(k).ifPresent(v -> out.put(k, v));
        }
        return Collections.unmodifiableMap(out);
    }

    /** The present keys, sorted, as of one version. */
    public Set<String> keys() {
        while (true) {
            long at = clock.get();
            TreeSet<String> out = new TreeSet<>();
            boolean consistent = true;
            for (Cell cell : cells.values()) {
                Versioned v = current(cell);
                if (v.version() > at) {
                    consistent = false;
                    break;
                }
                if (v.value() != null) {
                    out.add(cell.key);
                }
            }
            if (consistent) {
                return Collections.unmodifiableSet(out);
            }
            Thread.onSpinWait();
        }
    }

    /**
     * Runs {@code transaction} on a fresh checkout and commits it (unless it committed itself), with the store's
     * {@link StoreOptions#retry() retry}; see {@link #atomically(Retry, ThrowingFunction)}.
     */
    public <R, X extends Exception> R atomically(ThrowingFunction<? super Checkout, ? extends R, X> transaction)
            throws X, InterruptedException {
        return atomically(options.retry(), transaction);
    }

    /**
     * Runs {@code transaction} on a fresh checkout (snapshot taken now, keys read as it goes) and commits it; on a
     * {@link ConcurrentUpdateException}, from a read or the commit, backs off and runs it again, at most
     * {@link Retry#maxAttempts()} times in all. Any other exception from the transaction ends it at once, nothing
     * committed.
     *
     * @return what the transaction returned, from the attempt that committed
     * @throws ConcurrentUpdateException when every attempt conflicted: the last failure, carrying the earlier ones as
     *     suppressed
     * @throws InterruptedException if interrupted while backing off
     */
    public <R, X extends Exception> R atomically(Retry retry,
            ThrowingFunction<? super Checkout, ? extends R, X> transaction) throws X, InterruptedException {
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(transaction, "transaction");
        List<ConcurrentUpdateException> failures = null;
        for (int attempt = 1; ; attempt++) {
            Checkout c = new Checkout(this, clock.get(), false);
            try {
                R result = transaction.apply(c);
                if (!c.isSpent()) {
                    c.commit();
                }
                return result;
            } catch (ConcurrentUpdateException e) {
                if (failures == null) {
                    failures = new ArrayList<>();
                }
                failures.add(e);
                if (attempt >= retry.maxAttempts()) {
                    throw gaveUp(failures);
                }
                retry.pause(attempt);
            }
        }
    }

    private ConcurrentUpdateException gaveUp(List<ConcurrentUpdateException> failures) {
        ConcurrentUpdateException last = failures.getLast();
        ConcurrentUpdateException out = new ConcurrentUpdateException(name(), last.keys(), "gave up after "
                + failures.size() + " attempts: " + last.getMessage(), true);
        for (int i = 0; i < failures.size() - 1; i++) {
            out.addSuppressed(failures.get(i));
        }
        return out;
    }

    /** Commits that published changes so far. */
    public long commits() {
        return commits.sum();
    }

    /** Commits and reads refused with {@link ConcurrentUpdateException} so far. */
    public long conflicts() {
        return conflicts.sum();
    }

    /** {@code "Store[bank @41, LOCK, 1000 keys]"}. */
    @Override
    public String toString() {
        return "Store[" + name() + " @" + version() + ", " + options.commitMode() + ", " + cells.size() + " keys]";
    }

    // ---- for checkouts and committers ----

    Set<Class<?>> trustedTypes() {
        return options.immutableTypes();
    }

    Cell cell(String key) {
        return cells.get(key);
    }

    Cell cellFor(String key) {
        Cell c = cells.get(key);
        return c != null ? c : cells.computeIfAbsent(key, Cell::new);
    }

    /** The published state of {@code key} (absent if never written). */
    Versioned current(String key) {
        Cell c = cells.get(key);
        return c == null ? Versioned.ABSENT : current(c);
    }

    /**
     * The published state of {@code cell}, waiting out a CAS commit that is publishing it. The wait spins, then
     * yields: safe only because a CAS commit never parks or yields while it holds a claim (it stays mounted and
     * releases within instructions). Two virtual threads looping on {@code Thread.yield()} hold both carriers of a
     * 2-carrier scheduler and starve every parked thread's wake-up (seen in StoreProperties' first readers), so a
     * claim held across a park would never be released; keep CasCommitter so.
     */
    static Versioned current(Cell cell) {
        for (int spins = 0; ; spins++) {
            if (cell.state instanceof Versioned v) {
                return v;
            }
            if (spins < 128) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // the claiming thread was descheduled: let it run
            }
        }
    }

    /**
     * Reads {@code key} into {@code by} as of its snapshot, for a checkout reading it late.
     *
     * @throws ConcurrentUpdateException if it changed after the snapshot
     */
    void readLate(String key, Checkout by) {
        long snapshot = by.version();
        Cell cell = cells.get(key);
        Versioned v = cell == null ? Versioned.ABSENT : current(cell);
        if (v.version() > snapshot) {
            conflicts.increment();
            throw new ConcurrentUpdateException(name(), Set.of(key), "key '" + key + "' in store '" + name()
                    + "' changed at version " + v.version() + ", after this checkout's snapshot at version " + snapshot
                    + "; the transaction must run again on fresh values", by.traced());
        }
        by.addRead(key, cell, v);
    }

    long commit(Checkout c) {
        long v = committer.commit(this, c);
        commits.increment();
        return v;
    }

    /** The refusal of {@code c}'s commit: the keys read that changed, and a key another commit was publishing. */
    ConcurrentUpdateException conflict(Checkout c, List<String> changed, String busy) {
        conflicts.increment();
        Set<String> keys = new TreeSet<>(changed);
        String why = changed.isEmpty() ? "" : keys + (keys.size() == 1 ? " was" : " were") + " changed by other "
                + "commits since its snapshot at version " + c.version();
        if (busy != null && !keys.contains(busy)) {
            keys.add(busy);
            why += (why.isEmpty() ? "" : ", and ") + "'" + busy + "' was being published by another commit";
        }
        return new ConcurrentUpdateException(name(), keys, "commit to store '" + name() + "' refused: " + why
                + " (store now at version " + version() + "); nothing was written", c.traced());
    }
}
