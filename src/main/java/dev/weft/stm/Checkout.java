package dev.weft.stm;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * One transaction's view of a {@link Store}: a consistent snapshot of the keys it read, as of one commit of the store
 * ({@link #version()}), and the changes it means to make. Reads see the snapshot and then this checkout's own changes;
 * {@link #commit()} publishes every change at once, or none when anything it read changed since the snapshot.
 *
 * <p>Keys may be named up front ({@link Store#checkout(String...)}, Axon's {@code using}) or read as the transaction
 * goes ({@link Store#atomically}): a key first read later must still be as of the snapshot, else the read itself
 * throws {@link ConcurrentUpdateException} (the transaction would otherwise compute on a mix of old and new values).
 * A key set without being read is written blindly: the commit does not check it.
 *
 * <p>Not thread safe: one thread uses a checkout, once. After {@link #commit()}, successful or not, it is spent.
 */
public final class Checkout {
    /** Marks a removed key among the writes. */
    private static final Object REMOVED = new Object();
    /** Above this many keys, lookups go through a hash index instead of a scan. */
    private static final int SCAN_LIMIT = 8;

    private final Store store;
    private final long snapshot;
    /** Whether a refusal records a stack trace: not inside {@link Store#atomically}, which catches and retries. */
    private final boolean traced;
    // The keys read, the state each was read at and its cell (null if the key had none), in reading order; an index
    // is built when there are many. Arrays, not maps, sized for two keys: a transfer reads two, and a map per
    // transaction was half of what the store allocated (BENCHMARKS.md, section 14).
    private String[] readKeys = new String[2];
    private Versioned[] readStates = new Versioned[2];
    private Cell[] readCells = new Cell[2];
    private int reads;
    private Map<String, Integer> readIndex;
    // The changes, in the order first made (REMOVED for a removal), and the cell of each if known; same scheme.
    private String[] writeKeys;
    private Object[] writeValues;
    private int writeCount;
    private Map<String, Integer> writeIndex;
    private boolean spent;

    Checkout(Store store, long snapshot, boolean traced) {
        this.store = store;
        this.snapshot = snapshot;
        this.traced = traced;
    }

    /** Records a key read at {@code state} from {@code cell} (the store checked it is as of the snapshot). */
    void addRead(String key, Cell cell, Versioned state) {
        if (reads == readKeys.length) {
            readKeys = Arrays.copyOf(readKeys, reads * 2);
            readStates = Arrays.copyOf(readStates, reads * 2);
            readCells = Arrays.copyOf(readCells, reads * 2);
        }
        readKeys[reads] = key;
        readStates[reads] = state;
        readCells[reads] = cell;
        readIndex = indexed(readIndex, readKeys, reads);
        reads++;
    }

    private int readSlot(String key) {
        return slot(readKeys, reads, readIndex, key);
    }

    private int writeSlot(String key) {
        return writeCount == 0 ? -1 : slot(writeKeys, writeCount, writeIndex, key);
    }

    /**
     * The index after {@code keys[last]} was added: updated if there is one, built once there are more keys than a
     * scan should go through, else still none.
     */
    private static Map<String, Integer> indexed(Map<String, Integer> index, String[] keys, int last) {
        if (index != null) {
            index.put(keys[last], last);
        } else if (last == SCAN_LIMIT) {
            index = new HashMap<>();
            for (int i = 0; i <= last; i++) {
                index.put(keys[i], i);
            }
        }
        return index;
    }

    private static int slot(String[] keys, int n, Map<String, Integer> index, String key) {
        if (index != null) {
            Integer i = index.get(key);
            return i == null ? -1 : i;
        }
        for (int i = 0; i < n; i++) {
            if (keys[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    /** Records a change of {@code key} to {@code value} (or {@link #REMOVED}), replacing an earlier one. */
    private void write(String key, Object value) {
        int i = writeSlot(key);
        if (i >= 0) {
            writeValues[i] = value;
            return;
        }
        if (writeKeys == null) {
            writeKeys = new String[2];
            writeValues = new Object[2];
        } else if (writeCount == writeKeys.length) {
            writeKeys = Arrays.copyOf(writeKeys, writeCount * 2);
            writeValues = Arrays.copyOf(writeValues, writeCount * 2);
        }
        writeKeys[writeCount] = key;
        writeValues[writeCount] = value;
        writeIndex = indexed(writeIndex, writeKeys, writeCount);
        writeCount++;
    }

    /** The version of the store this checkout's snapshot is as of. */
    public long version() {
        return snapshot;
    }

    /** The store this checkout belongs to. */
    public Store store() {
        return store;
    }

    /**
     * The value of {@code key}: this checkout's change if it made one, else the snapshot's; empty if absent.
     *
     * @throws ConcurrentUpdateException if the key is read here first and changed after the snapshot
     */
    public Optional<Object> find(String key) {
        return Optional.ofNullable(value(key));
    }

    /**
     * The value of {@code key} as a {@code type}; empty if absent.
     *
     * @throws IllegalStateException if it is there but not a {@code type}
     * @throws ConcurrentUpdateException if the key is read here first and changed after the snapshot
     */
    public <T> Optional<T> find(String key, Class<T> type) {
        return Optional.ofNullable(cast(key, value(key), type));
    }

    /**
     * The value of {@code key} as a {@code type}.
     *
     * @throws NoSuchElementException if the key is absent
     * @throws IllegalStateException if it is not a {@code type}
     * @throws ConcurrentUpdateException if the key is read here first and changed after the snapshot
     */
    public <T> T get(String key, Class<T> type) {
        Object v = value(key);
        if (v == null) {
            throw new NoSuchElementException("store '" + store.name() + "' has no key '" + key + "' (snapshot at "
                    + "version " + snapshot + ")");
        }
        return cast(key, v, type);
    }

    /** The value of {@code key} as a {@code type}, or {@code fallback} if absent. */
    public <T> T getOrDefault(String key, Class<T> type, T fallback) {
        Object v = value(key);
        return v == null ? fallback : cast(key, v, type);
    }

    private Object value(String key) {
        Objects.requireNonNull(key, "key");
        checkOpen("read");
        int w = writeSlot(key);
        if (w >= 0) {
            return writeValues[w] == REMOVED ? null : writeValues[w];
        }
        int i = readSlot(key);
        if (i >= 0) {
            return readStates[i].value();
        }
        store.readLate(key, this); // throws if changed after the snapshot
        return readStates[reads - 1].value();
    }

    private <T> T cast(String key, Object v, Class<T> type) {
        return cast(store, key, v, type);
    }

    /**
     * {@code v}, the value of {@code key} in {@code store}, as a {@code type} (null stays null).
     *
     * @throws IllegalStateException if it is not a {@code type}
     */
    static <T> T cast(Store store, String key, Object v, Class<T> type) {
        if (v != null && !type.isInstance(v)) {
            throw new IllegalStateException("key '" + key + "' in store '" + store.name() + "' holds a "
                    + v.getClass().getName() + " (" + v + "), not a " + type.getName());
        }
        return type.cast(v);
    }

    /**
     * Sets {@code key} to {@code value} in this checkout; other threads see it only once {@link #commit()} succeeds.
     * The value must be immutable: mutable lists, sets and maps are copied into unmodifiable ones here (their
     * elements checked likewise), and anything else that could change is refused (see the store's javadoc).
     *
     * @return this checkout
     * @throws IllegalArgumentException if the value is null, or is or holds something that may change
     */
    public Checkout set(String key, Object value) {
        Objects.requireNonNull(key, "key");
        checkOpen("set");
        write(key, Values.freeze(value, store.name(), key, store.trustedTypes()));
        return this;
    }

    /**
     * Sets {@code key} to {@code change} applied to its current value as a {@code type}.
     *
     * @return this checkout
     * @throws NoSuchElementException if the key is absent
     */
    public <T> Checkout update(String key, Class<T> type, UnaryOperator<T> change) {
        return set(key, change.apply(get(key, type)));
    }

    /** Removes {@code key} in this checkout (nothing if absent); published by {@link #commit()}. */
    public Checkout remove(String key) {
        Objects.requireNonNull(key, "key");
        checkOpen("remove");
        write(key, REMOVED);
        return this;
    }

    /** The keys this checkout read, in reading order. */
    public Set<String> readKeys() {
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < reads; i++) {
            out.add(readKeys[i]);
        }
        return Collections.unmodifiableSet(out);
    }

    /** The keys this checkout changed (set or removed), in the order first changed. */
    public Set<String> changedKeys() {
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < writeCount; i++) {
            out.add(writeKeys[i]);
        }
        return Collections.unmodifiableSet(out);
    }

    /** Whether {@link #commit()} was called. */
    public boolean isSpent() {
        return spent;
    }

    /**
     * Publishes every change at once, if nothing this checkout read changed since its snapshot. A checkout that changed
     * nothing commits at once: its snapshot was consistent.
     *
     * @return the version the store is at after this commit (the snapshot's for a read-only checkout)
     * @throws ConcurrentUpdateException naming the keys read that changed (or were being published); nothing written
     * @throws IllegalStateException if this checkout was committed before
     */
    public long commit() {
        checkOpen("commit");
        spent = true;
        if (writeCount == 0) {
            return snapshot;
        }
        return store.commit(this);
    }

    private void checkOpen(String what) {
        if (spent) {
            throw new IllegalStateException("cannot " + what + " on a spent checkout of store '" + store.name()
                    + "' (snapshot at version " + snapshot + "): a checkout commits once; check out again");
        }
    }

    // ---- for the store and its committers ----

    boolean traced() {
        return traced;
    }

    int readCount() {
        return reads;
    }

    String readKey(int i) {
        return readKeys[i];
    }

    Versioned readState(int i) {
        return readStates[i];
    }

    /** The cell the {@code i}-th key read was read from, or null if it had none then. */
    Cell readCell(int i) {
        return readCells[i];
    }

    /** The state {@code key} was read at, or null if it was not read. */
    Versioned readStateOf(String key) {
        int i = readSlot(key);
        return i < 0 ? null : readStates[i];
    }

    /** The cell {@code key} was read from, or null if it was not read or had none. */
    Cell readCellOf(String key) {
        int i = readSlot(key);
        return i < 0 ? null : readCells[i];
    }

    /** Whether this checkout changes {@code key}. */
    boolean writes(String key) {
        return writeSlot(key) >= 0;
    }

    int writeCount() {
        return writeCount;
    }

    String writeKey(int i) {
        return writeKeys[i];
    }

    /** The new value of the {@code i}-th key changed, null for a removal. */
    Object writeValue(int i) {
        return writeValues[i] == REMOVED ? null : writeValues[i];
    }

    /** {@code "Checkout[bank @41: read {a=5, b=7}, changed {a=4}]"}, values as read and as changed. */
    @Override
    public String toString() {
        Map<String, Object> read = new LinkedHashMap<>();
        for (int i = 0; i < reads; i++) {
            read.put(readKeys[i], readStates[i].value());
        }
        Map<String, Object> changed = new LinkedHashMap<>();
        for (int i = 0; i < writeCount; i++) {
            changed.put(writeKeys[i], writeValues[i] == REMOVED ? "(removed)" : writeValues[i]);
        }
        return "Checkout[" + store.name() + " @" + snapshot + ": read " + read + ", changed " + changed
                + (spent ? ", spent" : "") + "]";
    }
}
