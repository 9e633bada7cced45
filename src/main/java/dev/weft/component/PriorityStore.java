package dev.weft.component;

import dev.weft.scope.Priority;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * The message store of a priority inbox, guarded by its component's lock like the plain ring: one queue per level
 * that holds messages (a bit per level in {@link #levels}, so the highest is one {@code numberOfLeadingZeros}). Within
 * a level, messages with a deadline wait in a heap by (deadline, arrival) and are served before those without, which
 * wait in a FIFO: a message without a deadline costs a deque slot, not an allocation. Stored messages are kept as sent
 * (a {@link Prioritized} stays wrapped, so messages moved on to another inbox keep their priority); {@link #remove()}
 * unwraps.
 *
 * <p>Senders waiting for room wait on a condition of their own level, and each freed slot is handed to (reserved for)
 * the highest level that has a sender waiting. The starvation guard is described in {@link PriorityInboxOptions#starvationLimit()}.
 */
final class PriorityStore {
    private static final int LEVELS = Priority.MAX_LEVEL + 1;

    private final Lock lock;
    private final int starvationLimit;
    private final int defaultLevel;
    @SuppressWarnings({"unchecked", "rawtypes"}) // arrays of a generic type; each slot holds only what its type says
    private final ArrayDeque<Object>[] plain = new ArrayDeque[LEVELS];
    @SuppressWarnings({"unchecked", "rawtypes"}) // as above
    private final PriorityQueue<Timed>[] timed = new PriorityQueue[LEVELS];
    private final int[] passedOver = new int[LEVELS];
    private final Condition[] space = new Condition[LEVELS];
    private final int[] sendersWaiting = new int[LEVELS];
    private final int[] grants = new int[LEVELS]; // slots handed to level l's waiting senders, not yet taken
    private final int capacity;
    private int size;
    private int reserved;     // the sum of grants
    private int levels;       // bit l: level l holds messages
    private int senderLevels; // bit l: more senders of level l wait for room than hold grants
    private long arrivals;
    private long rescues;

    /** A message with a deadline, with its arrival number to keep equal deadlines in arrival order. */
    private record Timed(Prioritized message, long arrival) implements Comparable<Timed> {
        @Override
        public int compareTo(Timed o) {
            long d = message.deadlineNanos() - o.message.deadlineNanos(); // nanoTime values: compare by difference
            return d != 0 ? (d < 0 ? -1 : 1) : Long.compare(arrival, o.arrival);
        }
    }

    PriorityStore(Lock lock, PriorityInboxOptions options) {
        this.lock = lock;
        this.starvationLimit = options.starvationLimit();
        this.defaultLevel = options.defaultPriority().level();
        this.capacity = options.capacity();
    }

    int levelOf(Object message) {
        return message instanceof Prioritized p ? p.priority().level() : defaultLevel;
    }

    /** Under the lock: stores {@code message} at its level. */
    void add(Object message) {
        int level = levelOf(message);
        if (message instanceof Prioritized p && p.hasDeadline()) {
            PriorityQueue<Timed> q = timed[level];
            if (q == null) {
                q = timed[level] = new PriorityQueue<>();
            }
            q.add(new Timed(p, arrivals++));
        } else {
            ArrayDeque<Object> q = plain[level];
            if (q == null) {
                q = plain[level] = new ArrayDeque<>();
            }
            q.add(message);
            arrivals++;
        }
        size++;
        levels |= 1 << level;
    }

    /** Under the lock: the level the next {@link #remove()} serves, or -1 if empty; changes nothing. */
    private int next() {
        if (levels == 0) {
            return -1;
        }
        int top = 31 - Integer.numberOfLeadingZeros(levels);
        if (starvationLimit != Integer.MAX_VALUE) {
            int lower = levels & ~(1 << top);
            while (lower != 0) { // lowest level first
                int l = Integer.numberOfTrailingZeros(lower);
                if (passedOver[l] >= starvationLimit) {
                    return l;
                }
                lower &= lower - 1;
            }
        }
        return top;
    }

    /** Under the lock: the message (as sent) that {@link #remove()} would serve next, or null. */
    Object peek() {
        int level = next();
        if (level < 0) {
            return null;
        }
        PriorityQueue<Timed> t = timed[level];
        if (t != null && !t.isEmpty()) {
            return t.peek().message();
        }
        return plain[level].peek();
    }

    /** Under the lock: takes the next message, unwrapped, or null if empty; wakes a sender waiting for room. */
    Object remove() {
        Object m = removeRaw();
        return m instanceof Prioritized p ? p.message() : m;
    }

    private Object removeRaw() {
        int level = next();
        if (level < 0) {
            return null;
        }
        Object m;
        PriorityQueue<Timed> t = timed[level];
        if (t != null && !t.isEmpty()) {
            m = t.poll().message();
        } else {
            m = plain[level].poll();
        }
        size--;
        if ((t == null || t.isEmpty()) && (plain[level] == null || plain[level].isEmpty())) {
            levels &= ~(1 << level);
        }
        // The guard's books: the served level starts again; every lower level still waiting was passed over once
        // more; a level that emptied has nothing left to starve.
        int top = 31 - Integer.numberOfLeadingZeros(levels | (1 << level));
        if (level != top) {
            rescues++;
        }
        passedOver[level] = 0;
        int lower = levels & ((1 << level) - 1);
        while (lower != 0) {
            int l = Integer.numberOfTrailingZeros(lower);
            passedOver[l]++;
            lower &= lower - 1;
        }
        grantFreeSlots();
        return m;
    }

    /** Under the lock: every message (as sent), in the order they would be served; the store is then empty. */
    List<Object> drain() {
        List<Object> out = new ArrayList<>();
        for (Object m; (m = removeRaw()) != null; ) {
            out.add(m);
        }
        return out;
    }

    /** Under the lock: how many receptions were starvation-guard rescues (served below the top waiting level). */
    long rescues() {
        return rescues;
    }

    // ---- senders waiting for room ----
    //
    // A freed slot is handed to a waiting sender of the highest level, not merely signalled: it is reserved (a grant
    // for that level) until a sender of that level wakes and takes it. Without the reservation a sender that did not
    // wait (one just back from its previous send, already on a carrier) takes the slot while the woken HIGH sender is
    // still being scheduled, and a HIGH message can lose that race again and again: the overload report measured
    // HIGH's p99 at a third of LOW's that way, against a tenth with the hand-off.

    /** Under the lock: whether a sender that has not been granted a slot may put a message now. */
    boolean hasRoom() {
        return size + reserved < capacity;
    }

    /**
     * Under the lock: waits for room as a sender of {@code message}'s level (when {@code timed}, at most until
     * {@code deadline} on the {@link System#nanoTime()} clock). Returns true if it woke with a slot
     * granted to it (then it must put its message, or hand the slot back with {@link #returnGrant}); false if it woke
     * without one (spuriously, or because the inbox closed or moved on), and should look again.
     */
    boolean awaitSpace(Object message, boolean timed, long deadline) throws InterruptedException {
        int level = levelOf(message);
        Condition c = spaceAt(level);
        sendersWaiting[level]++;
        updateSenderLevel(level);
        try {
            if (!timed) {
                c.await();
            } else {
                c.awaitNanos(deadline - System.nanoTime()); // a timed ask's wait for room; the caller sees the time
            }
        } catch (InterruptedException e) {
            sendersWaiting[level]--;
            if (grants[level] > sendersWaiting[level]) {
                // Its slot was granted but it was interrupted before it woke: the slot goes to the next sender.
                grants[level]--;
                reserved--;
                updateSenderLevel(level);
                grantFreeSlots();
            }
            updateSenderLevel(level);
            throw e;
        }
        sendersWaiting[level]--;
        boolean granted = grants[level] > 0; // any sender of the level may take the level's grant
        if (granted) {
            grants[level]--;
            reserved--;
        }
        updateSenderLevel(level);
        return granted;
    }

    /** Under the lock: the condition senders of {@code message}'s level wait on for room. */
    Condition spaceFor(Object message) {
        return spaceAt(levelOf(message));
    }

    private Condition spaceAt(int level) {
        Condition c = space[level];
        if (c == null) {
            c = space[level] = lock.newCondition();
        }
        return c;
    }

    /** Under the lock: a granted sender did not use its slot (the inbox moved on); the slot goes to the next. */
    void returnGrant() {
        grantFreeSlots();
    }

    private void updateSenderLevel(int level) {
        if (sendersWaiting[level] > grants[level]) {
            senderLevels |= 1 << level;
        } else {
            senderLevels &= ~(1 << level);
        }
    }

    /** Under the lock: hands each free slot to a waiting, not yet granted sender of the highest level. */
    private void grantFreeSlots() {
        while (senderLevels != 0 && size + reserved < capacity) {
            int level = 31 - Integer.numberOfLeadingZeros(senderLevels);
            grants[level]++;
            reserved++;
            updateSenderLevel(level);
            space[level].signal();
        }
    }

    /** Under the lock: wakes every waiting sender (the inbox closed, or moved on); those granted a slot keep it. */
    void wakeAllSenders() {
        for (int l = 0; l < LEVELS; l++) {
            if (sendersWaiting[l] > 0) {
                space[l].signalAll();
            }
        }
    }
}
