package dev.weft.stm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@link CommitMode#CAS}, TL2's commit: claim every key to write by compare-and-set (its cell then holds an
 * {@link Cell.Owned} marker), take a new version from the clock, check that every key read but not written is still
 * at the state read, publish each claimed key at the new version (which releases it), or restore them all on a
 * conflict. Two commits on disjoint keys never wait for each other. Keys are claimed in their natural order, so two
 * commits writing the same keys never hold one each while waiting for the other's.
 *
 * <p>A key claimed by another commit, met while claiming or while validating, is settled by wait-die: an older commit
 * (earlier snapshot) waits for a younger one's claim to end, a younger one gives up at once and reports the key busy.
 * Waits then only ever go from older to younger, so no two commits can keep refusing each other: a commit that writes
 * a key another only read, while that other writes a key it only read, once refused both, again and again without
 * back-off (StoreLincheckTest's {@code copy} scenario). The wait is bounded and only spins: a claim is held for a few
 * instructions unless its thread was descheduled, and a commit holding claims must never park or yield
 * ({@link Store#current(Cell)} says why).
 */
final class CasCommitter implements Committer {
    /** How long an older commit spins on a younger one's claim before reporting it busy (tens of microseconds). */
    private static final int WAIT_SPINS = 4_096;

    @Override
    public long commit(Store store, Checkout c) {
        int writes = c.writeCount();
        // Every commit claims its keys in one order, the keys' own: a commit then only ever waits for one that claimed
        // a smaller key first and is not waiting for it. Claimed in the order written, transfers a->b and b->a each
        // claimed one key, spun on the other's and both gave up busy, again and again (StoreLincheckTest found them
        // livelocked under Retry.withoutBackoff()).
        int[] order = claimOrder(c);
        Cell[] claimed = new Cell[writes];
        Versioned[] priors = new Versioned[writes];
        // One marker for every key this commit claims: readers only need to see that a key is claimed, and the
        // states to restore are kept here.
        Cell.Owned mine = new Cell.Owned(c);
        int n = 0;
        String busy = null;
        boolean stale = false;
        claiming:
        for (int o = 0; o < writes; o++) {
            String key = c.writeKey(order[o]);
            Cell cell = c.readCellOf(key);
            if (cell == null) {
                cell = store.cellFor(key);
            }
            Versioned read = c.readStateOf(key);
            while (true) {
                Object s = cell.state;
                if (s instanceof Cell.Owned) {
                    if (released(cell, c) == null) {
                        busy = key;
                        break claiming;
                    }
                    continue; // released: look again, and claim it if nobody else did
                }
                Versioned v = (Versioned) s;
                if (read != null && v.version() != read.version()) {
                    stale = true;
                    break claiming;
                }
                if (cell.compareAndSet(s, mine)) {
                    claimed[n] = cell;
                    priors[n++] = v;
                    break;
                }
            }
        }
        if (busy == null && !stale) {
            long version = store.clock.incrementAndGet();
            for (int i = 0; i < c.readCount() && busy == null && !stale; i++) {
                String key = c.readKey(i);
                if (c.writes(key)) {
                    continue; // checked when claimed
                }
                Cell cell = c.readCell(i);
                if (cell == null) {
                    cell = store.cell(key);
                }
                if (cell == null) {
                    stale = c.readState(i).version() != 0;
                    continue;
                }
                Versioned now = released(cell, c);
                if (now == null) {
                    busy = key;
                } else {
                    stale = now.version() != c.readState(i).version();
                }
            }
            if (busy == null && !stale) {
                for (int i = 0; i < writes; i++) {
                    claimed[i].state = new Versioned(c.writeValue(order[i]), version); // publishes and releases
                }
                return version;
            }
        }
        for (int i = 0; i < n; i++) {
            claimed[i].state = priors[i];
        }
        List<String> changed = new ArrayList<>(2);
        for (int i = 0; i < c.readCount(); i++) {
            if (store.current(c.readKey(i)).version() != c.readState(i).version()) {
                changed.add(c.readKey(i));
            }
        }
        throw store.conflict(c, changed, busy);
    }

    /** The indexes of {@code c}'s changes in the order of their keys. */
    private static int[] claimOrder(Checkout c) {
        int n = c.writeCount();
        if (n == 1) {
            return ONE;
        }
        if (n == 2) {
            return c.writeKey(0).compareTo(c.writeKey(1)) <= 0 ? IN_ORDER : SWAPPED;
        }
        Integer[] boxed = new Integer[n];
        for (int i = 0; i < n; i++) {
            boxed[i] = i;
        }
        Arrays.sort(boxed, (a, b) -> c.writeKey(a).compareTo(c.writeKey(b)));
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = boxed[i];
        }
        return order;
    }

    // Shared, never written: the orders of one and of two changes.
    private static final int[] ONE = {0};
    private static final int[] IN_ORDER = {0, 1};
    private static final int[] SWAPPED = {1, 0};

    /**
     * The cell's published state: at once if it is not claimed; else, if {@code me} is older than the claimant
     * (wait-die), after its claim ends; null if {@code me} is younger, or the claim outlasted the wait.
     */
    private static Versioned released(Cell cell, Checkout me) {
        for (int spins = 0; ; spins++) {
            Object s = cell.state;
            if (s instanceof Versioned v) {
                return v;
            }
            if (spins >= WAIT_SPINS || !older(me, ((Cell.Owned) s).by())) {
                return null;
            }
            Thread.onSpinWait();
        }
    }

    /** Whether {@code me} is older than {@code other}: an earlier snapshot, ties broken by identity (equal: no). */
    static boolean older(Checkout me, Checkout other) {
        if (me.version() != other.version()) {
            return me.version() < other.version();
        }
        return System.identityHashCode(me) < System.identityHashCode(other);
    }
}
