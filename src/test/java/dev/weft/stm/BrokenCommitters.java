package dev.weft.stm;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Deliberately broken {@link Committer}s, plugged in with {@link Store#withCommitter} by {@link StoreLincheckTest} and
 * {@link StoreProperties} to see each property fail. Each breaks one step of a correct commit (validate every read,
 * make the new version the clock only once every change is visible or claimed) and nothing else.
 *
 * <p>Where the bug needs an unlucky moment (a reader between two steps of a commit), the broken committer yields the
 * thread at that moment, as a descheduled thread would: not to synchronise anything, only so that a few hundred random
 * runs meet the moment a correct committer never exposes.
 */
final class BrokenCommitters {
    private BrokenCommitters() {
    }

    /** Which property it breaks, for the reports. */
    enum Kind {
        /** Publishes without validating what the checkout read: lost updates. */
        UNVALIDATED,
        /** LOCK mode with the clock advanced before the changes are published: torn snapshots. */
        CLOCK_FIRST,
        /** Validates only the keys it also writes: write skew (a commit on stale reads of keys it only read). */
        WRITES_ONLY_VALIDATED,
        /** CAS mode taking its version before claiming the keys: torn snapshots. */
        CAS_VERSION_FIRST;

        Committer committer() {
            return switch (this) {
                case UNVALIDATED -> new Locked(false, false, false);
                case CLOCK_FIRST -> new Locked(true, true, true);
                case WRITES_ONLY_VALIDATED -> new Locked(true, false, false);
                case CAS_VERSION_FIRST -> new CasVersionFirst();
            };
        }

        /** A store committing through this broken committer. */
        Store store() {
            return Store.withCommitter(StoreOptions.named("broken-" + name().toLowerCase().replace('_', '-')),
                    committer());
        }
    }

    /**
     * {@link LockCommitter} with one step wrong: {@code validate} false validates nothing; {@code readOnlyToo} false
     * validates only the keys also written; {@code clockFirst} advances the clock before publishing.
     */
    static final class Locked implements Committer {
        private final ReentrantLock lock = new ReentrantLock();
        private final boolean validate;
        private final boolean readOnlyToo;
        private final boolean clockFirst;

        Locked(boolean validate, boolean readOnlyToo, boolean clockFirst) {
            this.validate = validate;
            this.readOnlyToo = readOnlyToo;
            this.clockFirst = clockFirst;
        }

        @Override
        public long commit(Store store, Checkout c) {
            List<String> changed = new ArrayList<>();
            lock.lock();
            try {
                for (int i = 0; validate && i < c.readCount(); i++) {
                    String key = c.readKey(i);
                    if (!readOnlyToo && !c.writes(key)) {
                        continue; // BROKEN: a key only read is not checked
                    }
                    Cell cell = store.cell(key);
                    long now = cell == null ? 0 : ((Versioned) cell.state).version();
                    if (now != c.readState(i).version()) {
                        changed.add(key);
                    }
                }
                if (changed.isEmpty()) {
                    long version = store.clock.get() + 1;
                    if (clockFirst) {
                        store.clock.set(version); // BROKEN: a snapshot at this version may miss the changes below
                        Thread.yield(); // widens the window, as a descheduled thread would (see the class javadoc)
                    }
                    for (int w = 0; w < c.writeCount(); w++) {
                        store.cellFor(c.writeKey(w)).state = new Versioned(c.writeValue(w), version);
                    }
                    store.clock.set(version);
                    return version;
                }
            } finally {
                lock.unlock();
            }
            throw store.conflict(c, changed, null);
        }
    }

    /**
     * {@link CasCommitter} taking its version from the clock before claiming the keys it writes: a reader whose
     * snapshot is at that version may read a key before it is claimed (its old state, version below the snapshot's)
     * and another after it is published (version equal to the snapshot's), a torn snapshot.
     */
    static final class CasVersionFirst implements Committer {
        @Override
        public long commit(Store store, Checkout c) {
            long version = store.clock.incrementAndGet(); // BROKEN: taken before the keys are claimed
            Thread.yield(); // widens the window, as a descheduled thread would (see the class javadoc)
            int writes = c.writeCount();
            Cell[] claimed = new Cell[writes];
            Versioned[] priors = new Versioned[writes];
            int n = 0;
            String busy = null;
            List<String> changed = new ArrayList<>();
            claiming:
            for (int w = 0; w < writes; w++) {
                String key = c.writeKey(w);
                Cell cell = store.cellFor(key);
                Versioned read = c.readStateOf(key);
                for (int spins = 0; ; spins++) {
                    Object s = cell.state;
                    if (s instanceof Cell.Owned) {
                        if (spins < 1_000) {
                            Thread.onSpinWait();
                            continue;
                        }
                        busy = key;
                        break claiming;
                    }
                    Versioned v = (Versioned) s;
                    if (read != null && v.version() != read.version()) {
                        changed.add(key);
                        break claiming;
                    }
                    if (cell.compareAndSet(s, new Cell.Owned(c))) {
                        claimed[n] = cell;
                        priors[n++] = v;
                        break;
                    }
                }
            }
            for (int i = 0; busy == null && changed.isEmpty() && i < c.readCount(); i++) {
                String key = c.readKey(i);
                if (c.writes(key)) {
                    continue;
                }
                Cell cell = store.cell(key);
                // a key claimed by another commit is waited for only briefly, as CasCommitter does: two commits each
                // holding a key the other read would otherwise wait for each other forever
                Object s = cell == null ? Versioned.ABSENT : cell.state;
                for (int spins = 0; s instanceof Cell.Owned && spins < 1_000; spins++) {
                    Thread.onSpinWait();
                    s = cell.state;
                }
                if (s instanceof Cell.Owned) {
                    busy = key;
                } else if (((Versioned) s).version() != c.readState(i).version()) {
                    changed.add(key);
                }
            }
            if (busy == null && changed.isEmpty()) {
                for (int i = 0; i < writes; i++) {
                    claimed[i].state = new Versioned(c.writeValue(i), version);
                }
                return version;
            }
            for (int i = 0; i < n; i++) {
                claimed[i].state = priors[i];
            }
            throw store.conflict(c, changed, busy);
        }
    }
}
