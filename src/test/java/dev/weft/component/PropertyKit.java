package dev.weft.component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** Test-only helpers shared by the component properties: numbered messages, a progress monitor, post-mortems. */
final class PropertyKit {
    private PropertyKit() {
    }

    /** A message: the test's number of the component that sent it, and its number on that sender's outbox. */
    record Msg(int sender, long seq) {
        @Override
        public String toString() {
            return sender + ":" + seq;
        }
    }

    /**
     * Counts progress (messages received, components whose main returned) and lets the test's driver wait for a point
     * in a run without sleeping: until a count is reached, everything is done, or nothing moved for a while (a
     * deadlocked cycle, or a run with nothing left to do).
     */
    static final class Progress {
        private final int components;
        private long ticks;
        private int ended;

        Progress(int components) {
            this.components = components;
        }

        synchronized void tick() {
            ticks++;
            notifyAll();
        }

        synchronized void ended() {
            ended++;
            notifyAll();
        }

        synchronized long ticks() {
            return ticks;
        }

        synchronized boolean allEnded() {
            return ended == components;
        }

        /** Waits until {@code target} ticks, every main returned, or no tick and no end for {@code stall}. */
        synchronized void await(long target, Duration stall) throws InterruptedException {
            long last = ticks + ended;
            long deadline = System.nanoTime() + stall.toNanos();
            while (ticks < target && ended < components) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
                if (ticks + ended != last) {
                    last = ticks + ended;
                    deadline = System.nanoTime() + stall.toNanos();
                }
            }
        }
    }

    /**
     * After the component ended: empties {@code box} and returns what was left in it, oldest first (package access to
     * the inbox; a view nobody else reads any more).
     */
    static List<Object> leftovers(Component c, String box) {
        Inbox in = c.inbox(box, "leftovers of");
        c.lock.lock();
        try {
            return new ArrayList<>(in.drain());
        } finally {
            c.lock.unlock();
        }
    }

    /** Messages dropped on {@code outbox} because it had no linkage (the per-outbox part of droppedUnlinked()). */
    static long droppedUnlinked(Component c, String outbox) {
        return c.outbox(outbox, "droppedUnlinked of").droppedUnlinked;
    }

    /** At most the first ten of {@code problems}, and how many more there were: failure reports stay readable. */
    static List<String> few(List<String> problems) {
        if (problems.size() <= 10) {
            return problems;
        }
        List<String> out = new ArrayList<>(problems.subList(0, 10));
        out.add("... and " + (problems.size() - 10) + " more");
        return out;
    }

    /** The outcome of a body run on its own platform thread, the owner of whatever system the body opens. */
    record Owned(boolean finished, Throwable thrown) {
    }

    /** A body that may throw. */
    interface Body {
        void run() throws Exception;
    }

    /**
     * Runs {@code body} on a new platform thread (so that a hang shows as an unfinished run rather than a stuck
     * test), waiting up to {@code limit}. An unfinished owner is interrupted and left.
     */
    static Owned owned(String name, Duration limit, Body body) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread owner = Thread.ofPlatform().name(name).daemon(true).start(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        if (!owner.join(limit)) {
            owner.interrupt();
            return new Owned(false, null);
        }
        return new Owned(true, thrown.get());
    }
}
