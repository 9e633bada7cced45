package dev.weft.lock;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Deadlock detection over the wait-for graph Weft already keeps: {@link #dump()} on demand, and a
 * {@link DeadlockDetector} for continuous detection (and, by policy, recovery).
 *
 * <p><b>The graph.</b> Its nodes are threads; an edge goes from a blocked thread to the one thread that alone can end
 * its wait. Weft records two kinds of blocking wait: a {@link LockSet} acquisition waiting for an {@link OrderedLock}
 * (an edge to the lock's holder), and, from the component package, a send blocked on a full inbox (an edge to the
 * thread of the component that owns the inbox, the only one that takes from it). Both kinds end up in one graph, so a
 * mixed cycle (a component that holds a lock while sending into a full inbox whose owner waits for that lock) is found
 * like the others. Other parts of a program may contribute waits through {@link #addSource(WaitSource)}.
 *
 * <p><b>Finding.</b> A thread blocks in one place at a time, so each node has at most one edge out and every cycle is
 * a strongly connected component; each one found is a {@link Deadlock}. The graph is read without stopping anyone, so
 * a cycle may be a mix of states from different moments; each one is therefore confirmed by re-reading every edge
 * twice ({@link WaitEdge#isCurrent()}): each wait seen in progress from the first read to the last, and each holder
 * blocked in its own wait meanwhile (so it could not release anything or take anything from an inbox), means every
 * edge held at one instant between the two rounds of re-reads, and from then on none of the threads could move: a
 * real deadlock, not a racy view. A reported deadlock is never a false positive of the snapshot; it is found once
 * every edge of it is recorded.
 *
 * <p>Cost: nothing on the fast paths. A lock wait writes one more volatile word at its start and does one CAS at its
 * end; a blocked send, in its thread's own record, about the same. Finding costs time linear in the live threads that
 * ever waited (for a lock through a LockSet, or to send into a full inbox). Stateless (besides the list of sources)
 * and thread safe.
 */
public final class Deadlocks {
    private Deadlocks() {
    }

    private static final List<WaitSource> SOURCES = new CopyOnWriteArrayList<>(List.of(LockWaits.INSTANCE));

    /**
     * Adds a source of waits to the graph: the component package adds its blocked sends at its first blocked send.
     * Process-wide, like the registry of lock holders; a source is never removed, so add each one once.
     *
     * @throws NullPointerException if {@code source} is null
     */
    public static void addSource(WaitSource source) {
        SOURCES.add(Objects.requireNonNull(source, "source"));
    }

    /**
     * The wait-for graph now and its deadlocks.
     *
     * @param waits     every wait in progress, oldest first
     * @param deadlocks the confirmed cycles among them (see {@link Deadlocks}), in the order of their oldest wait
     */
    public record Report(List<WaitEdge> waits, List<Deadlock> deadlocks) {
        /** Copies the lists. */
        public Report {
            waits = List.copyOf(waits);
            deadlocks = List.copyOf(deadlocks);
        }

        /** Whether {@code thread} is in one of the deadlocks. */
        public boolean isDeadlocked(Thread thread) {
            for (Deadlock d : deadlocks) {
                if (d.threads().contains(thread)) {
                    return true;
                }
            }
            return false;
        }

        /** Every wait, one line each, then every deadlock with its waits and victim. */
        @Override
        public String toString() {
            StringBuilder out = new StringBuilder("wait-for graph: ").append(waits.size())
                    .append(waits.size() == 1 ? " wait, " : " waits, ").append(deadlocks.size())
                    .append(deadlocks.size() == 1 ? " deadlock\n" : " deadlocks\n");
            for (WaitEdge e : waits) {
                out.append("  ").append(e.describe()).append('\n');
            }
            for (Deadlock d : deadlocks) {
                out.append(d.describe());
            }
            return out.toString();
        }
    }

    /**
     * The wait-for graph as it is now, with every deadlock in it confirmed (see {@link Deadlocks}); its
     * {@code toString()} is a readable report of every wait and every cycle. Changes nothing: nothing is broken. For
     * diagnostics (a jshell session, a debug endpoint, a test); thread safe.
     */
    public static Report dump() {
        List<WaitEdge> waits = collect();
        return new Report(waits, find(waits));
    }

    /** Every wait in progress from every source, oldest first. */
    static List<WaitEdge> collect() {
        List<WaitEdge> waits = new ArrayList<>();
        for (WaitSource s : SOURCES) {
            s.collect(waits::add);
        }
        waits.sort(Comparator.comparingLong(WaitEdge::sinceNanos));
        return waits;
    }

    /** The confirmed cycles among {@code waits}. */
    static List<Deadlock> find(List<WaitEdge> waits) {
        List<Deadlock> found = new ArrayList<>();
        for (List<WaitEdge> cycle : WaitGraph.cycles(waits, WaitEdge::waiter, WaitEdge::holder)) {
            if (confirmed(cycle)) {
                found.add(new Deadlock(cycle));
            }
        }
        return found;
    }

    /** Two rounds of re-reads, each over the whole cycle; see the class comment for why two. */
    private static boolean confirmed(List<WaitEdge> cycle) {
        for (int round = 0; round < 2; round++) {
            for (WaitEdge e : cycle) {
                if (!e.isCurrent()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The identity of a deadlock across rounds: the set of its waits. */
    static Set<WaitEdge> key(Deadlock d) {
        return new HashSet<>(d.waits());
    }

    // ---- text ----

    /** A thread's name, or {@code #id} for an unnamed one (virtual threads usually are). */
    static String name(Thread t) {
        if (t == null) {
            return null;
        }
        String n = t.getName();
        return n.isEmpty() ? "#" + t.threadId() : n;
    }

    /** {@code 'name' [path]}, the path left out when unknown. */
    static String who(Thread t, String path) {
        return "'" + name(t) + "'" + (path == null || path.isEmpty() ? "" : " [" + path + "]");
    }

    /** The line of {@link WaitEdge#describe()}: waiter, what, role and holder, and for how long until now. */
    static String describe(WaitEdge e) {
        long ms = TimeUnit.NANOSECONDS.toMillis(Math.max(0, System.nanoTime() - e.sinceNanos()));
        return who(e.waiter(), e.waiterPath()) + " waits for " + e.waitsFor() + ", " + e.holderRole() + " "
                + who(e.holder(), e.holderPath()) + ", for " + ms + " ms";
    }
}
