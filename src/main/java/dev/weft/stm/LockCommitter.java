package dev.weft.stm;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link CommitMode#LOCK}: one store-wide {@link ReentrantLock} around validate-and-publish (Axon's store lock, held
 * for a few hundred nanoseconds and never across user code). Writers publish each key's new state, then advance the
 * clock; a reader that took its snapshot before sees the new states as too new and starts again, one that took it
 * after sees them all. Readers never take the lock. A ReentrantLock, not {@code synchronized}: a virtual thread
 * waiting for it parks without pinning its carrier.
 */
final class LockCommitter implements Committer {
    private final ReentrantLock lock = new ReentrantLock();

    @Override
    public long commit(Store store, Checkout c) {
        List<String> changed = null;
        lock.lock();
        try {
            for (int i = 0; i < c.readCount(); i++) {
                Cell cell = c.readCell(i);
                if (cell == null) {
                    cell = store.cell(c.readKey(i)); // absent when read: made since, if a commit wrote it
                }
                long now = cell == null ? 0 : ((Versioned) cell.state).version();
                if (now != c.readState(i).version()) {
                    if (changed == null) {
                        changed = new ArrayList<>(2);
                    }
                    changed.add(c.readKey(i));
                }
            }
            if (changed == null) {
                long version = store.clock.get() + 1;
                for (int i = 0; i < c.writeCount(); i++) {
                    Cell cell = c.readCellOf(c.writeKey(i));
                    if (cell == null) {
                        cell = store.cellFor(c.writeKey(i));
                    }
                    cell.state = new Versioned(c.writeValue(i), version);
                }
                store.clock.set(version); // last: a snapshot at this version finds every key above published
                return version;
            }
        } finally {
            lock.unlock();
        }
        throw store.conflict(c, changed, null);
    }
}
