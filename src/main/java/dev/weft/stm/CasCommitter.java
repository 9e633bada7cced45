package dev.weft.stm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@link CommitMode#CAS}, TL2's commit: claim every key to write by compare-and-set (its cell then holds an
 * {@link Cell.Owned} marker), take a new version from the clock, check that every key read but not written is still
 * at the state read, publish each claimed key at the new version (which releases it), or restore them all on a
 * conflict. Two commits on disjoint keys never wait for each other. Keys are claimed in their natural order, so two
 * commits writing the same keys never hold one each while waiting for the other's. A key claimed by another commit is
 * waited for briefly (it is released within a few instructions unless that thread was descheduled), then reported
 * busy, so a commit never waits without bound and two commits can never wait for each other forever.
 */
final class CasCommitter implements Committer {
    /** Spins on a claimed key before reporting it busy: about a microsecond, then yields. */
    private static final int SPINS = 128;

    @Override
    public long commit(Store store, Checkout c) {
        Map<String, Object> writes = c.writes();
        // Every commit claims its keys in one order, the keys' own: a commit then only ever waits for one that claimed
        // a smaller key first and is not waiting for it. Claimed in the order written, transfers a->b and b->a each
        // claimed one key, spun on the other's and both gave up busy, again and again (StoreLincheckTest found them
        // livelocked under Retry.withoutBackoff()).
        String[] keys = writes.keySet().toArray(new String[0]);
        if (keys.length > 1) {
            Arrays.sort(keys);
        }
        Cell[] claimed = new Cell[keys.length];
        Versioned[] priors = new Versioned[keys.length];
        int n = 0;
        String busy = null;
        boolean stale = false;
        claiming:
        for (String key : keys) {
            Cell cell = store.cellFor(key);
            Versioned read = c.readStateOf(key);
            for (int spins = 0; ; spins++) {
                Object s = cell.state;
                if (s instanceof Cell.Owned) {
                    if (spins < SPINS) {
                        Thread.onSpinWait();
                        continue;
                    }
                    busy = key;
                    break claiming;
                }
                Versioned v = (Versioned) s;
                if (read != null && v.version() != read.version()) {
                    stale = true;
                    break claiming;
                }
                if (cell.compareAndSet(s, new Cell.Owned(v, c))) {
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
                if (writes.containsKey(key)) {
                    continue; // checked when claimed
                }
                Cell cell = store.cell(key);
                if (cell == null) {
                    stale = c.readState(i).version() != 0;
                    continue;
                }
                Versioned now = settled(cell);
                if (now == null) {
                    busy = key;
                } else {
                    stale = now.version() != c.readState(i).version();
                }
            }
            if (busy == null && !stale) {
                for (int i = 0; i < n; i++) { // publishes and releases
                    claimed[i].state = new Versioned(Checkout.valueOf(writes.get(keys[i])), version);
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

    /** The cell's published state, waiting briefly for another commit's claim to end; null if it did not. */
    private static Versioned settled(Cell cell) {
        for (int spins = 0; spins < SPINS; spins++) {
            if (cell.state instanceof Versioned v) {
                return v;
            }
            Thread.onSpinWait();
        }
        return cell.state instanceof Versioned v ? v : null;
    }
}
