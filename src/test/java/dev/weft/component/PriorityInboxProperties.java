package dev.weft.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.weft.scope.Priority;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Properties of priority inboxes (issue 16, item 1).
 *
 * <p><b>Serving order</b> (on the store, under random arrivals and receptions, random deadlines and starvation
 * limits): no message is served while a message of a higher level that arrived earlier waits, unless that reception
 * is the starvation guard's (its level was passed over {@code limit} receptions in a row, and no lower level was);
 * within a level, the earliest deadline first, then arrival order. A reference model of the rules predicts each
 * reception exactly.
 *
 * <p><b>Concurrent senders</b> (virtual threads into a real component): with every message in the inbox before the
 * receiver starts, the sequence of levels served is the one the model gives for that multiset of levels (it does not
 * depend on how the senders interleaved), and each sender's messages of one level come out in the order it sent
 * them; with the receiver running and a small inbox (senders blocking), every message is received exactly once and
 * per-sender, per-level order still holds.
 */
@Timeout(120)
class PriorityInboxProperties {
    private static final int[] LEVELS = {Priority.LOW.level(), Priority.NORMAL.level(), Priority.HIGH.level(), 20};
    private static final int[] LIMITS = {1, 2, 3, 5, Integer.MAX_VALUE};

    /** One waiting message in the model. */
    record Waiting(int id, int level, boolean deadline, long deadlineNanos, long seq) {
    }

    /** The rules, stated plainly: the reference the store is checked against. */
    static final class Model {
        final int limit;
        final List<Waiting> waiting = new ArrayList<>();
        final int[] passedOver = new int[Priority.MAX_LEVEL + 1];

        Model(int limit) {
            this.limit = limit;
        }

        /** The next message by the rules, and whether serving it is a guard rescue; removes it. */
        Waiting serve() {
            int top = waiting.stream().mapToInt(Waiting::level).max().orElseThrow();
            int level = top;
            if (limit != Integer.MAX_VALUE) {
                int rescue = waiting.stream().mapToInt(Waiting::level).filter(l -> l < top && passedOver[l] >= limit)
                        .min().orElse(-1);
                if (rescue >= 0) {
                    level = rescue;
                }
            }
            int served = level;
            Waiting w = waiting.stream().filter(x -> x.level == served)
                    .min(Comparator.comparing((Waiting x) -> !x.deadline)
                            .thenComparing((a, b) -> a.deadline ? Long.compare(a.deadlineNanos - b.deadlineNanos, 0)
                                    : 0)
                            .thenComparingLong(Waiting::seq)).orElseThrow();
            waiting.remove(w);
            passedOver[served] = 0;
            waiting.stream().mapToInt(Waiting::level).filter(l -> l < served).distinct()
                    .forEach(l -> passedOver[l]++);
            for (int l = 0; l < passedOver.length; l++) {
                int lv = l;
                if (waiting.stream().noneMatch(x -> x.level == lv)) {
                    passedOver[l] = 0;
                }
            }
            return w;
        }
    }

    @Test
    void receptionsFollowLevelThenDeadlineUnderTheStarvationGuard() {
        qt().withExamples(300).forAll(integers().between(0, LIMITS.length - 1),
                lists().of(integers().between(0, 99)).ofSizeBetween(1, 150)).checkAssert((limitIx, ops) -> {
                    int limit = LIMITS[limitIx];
                    PriorityStore store = new PriorityStore(new ReentrantLock(),
                            PriorityInboxOptions.defaults().withStarvationLimit(limit));
                    Model model = new Model(limit);
                    Map<Integer, Waiting> byId = new HashMap<>();
                    long seq = 0;
                    int id = 0;
                    for (int op : ops) {
                        if (op < 60) { // an arrival: a random level, a deadline in a third of them
                            int level = LEVELS[op % LEVELS.length];
                            Prioritized m = Prioritized.of(id, Priority.of(level));
                            if (op % 3 == 0) {
                                m = m.withDeadlineIn(Duration.ofSeconds(op % 5));
                            }
                            store.add(m);
                            Waiting w = new Waiting(id, level, m.hasDeadline(), m.deadlineNanos(), seq++);
                            model.waiting.add(w);
                            byId.put(id++, w);
                        } else if (!model.waiting.isEmpty()) { // a reception
                            List<Waiting> before = List.copyOf(model.waiting);
                            int top = before.stream().mapToInt(Waiting::level).max().orElseThrow();
                            boolean guardMay = limit != Integer.MAX_VALUE
                                    && before.stream().anyMatch(x -> x.level < top
                                    && model.passedOver[x.level] >= limit);
                            Waiting expected = model.serve();
                            Waiting got = byId.get((Integer) store.remove());
                            // The property, stated on its own:
                            boolean passedOverEarlierHigher = before.stream()
                                    .anyMatch(h -> h.level > got.level && h.seq < got.seq);
                            if (passedOverEarlierHigher) {
                                assertThat(guardMay).as("served %s while an earlier, higher message waited, "
                                        + "outside the starvation guard (limit %s)", got, limit).isTrue();
                            }
                            // And exactly what the rules say:
                            assertThat(got).as("limit %s, waiting %s", limit, before).isEqualTo(expected);
                        } else {
                            assertThat(store.remove()).isNull();
                        }
                    }
                });
    }

    /** Receives {@code n} messages once {@code go} opens, recording (sender, number, level) of each. */
    static final class Recorder extends Component {
        final CountDownLatch go;
        final int n;
        final List<int[]> got = new CopyOnWriteArrayList<>();

        Recorder(int capacity, int limit, int n, boolean gated) {
            this.n = n;
            this.go = new CountDownLatch(gated ? 1 : 0);
            addPriorityInbox(INBOX, PriorityInboxOptions.defaults().withCapacity(capacity).withStarvationLimit(limit));
        }

        @Override
        protected void main() throws InterruptedException {
            go.await();
            for (int i = 0; i < n; i++) {
                got.add((int[]) receive());
            }
        }
    }

    @Test
    void concurrentSendersAreServedByLevelExactlyOnceInPerSenderOrder() {
        qt().withExamples(60).forAll(integers().between(1, 6), integers().between(1, 60),
                integers().between(0, LIMITS.length - 1), integers().between(0, 1)).checkAssert(
                (senders, perSender, limitIx, gatedInt) -> {
                    boolean gated = gatedInt == 1;
                    int limit = LIMITS[limitIx];
                    int total = senders * perSender;
                    Recorder r = new Recorder(gated ? total : 1 + perSender % 4, limit, total, gated);
                    int[][] levels = new int[senders][perSender];
                    java.util.Random random = new java.util.Random((long) senders * 31 + perSender);
                    for (int[] row : levels) {
                        for (int i = 0; i < row.length; i++) {
                            row[i] = LEVELS[random.nextInt(LEVELS.length)];
                        }
                    }
                    try (var system = Components.open()) {
                        system.start(r);
                        List<Thread> threads = new ArrayList<>();
                        for (int s = 0; s < senders; s++) {
                            int sender = s;
                            threads.add(Thread.ofVirtual().start(() -> {
                                for (int i = 0; i < perSender; i++) {
                                    int level = levels[sender][i];
                                    try {
                                        r.deliver(Prioritized.of(new int[]{sender, i, level}, Priority.of(level)),
                                                Component.INBOX);
                                    } catch (InterruptedException e) {
                                        throw new AssertionError(e);
                                    }
                                }
                            }));
                        }
                        for (Thread t : threads) {
                            t.join();
                        }
                        r.go.countDown();
                        system.join();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    // exactly once
                    assertThat(r.got).hasSize(total);
                    assertThat(r.got.stream().map(m -> m[0] * 1000 + m[1]).distinct().count()).isEqualTo(total);
                    // per sender and level, in send order
                    Map<Long, Integer> last = new HashMap<>();
                    for (int[] m : r.got) {
                        long key = (long) m[0] * 100 + m[2];
                        Integer prev = last.put(key, m[1]);
                        assertThat(prev == null || prev < m[1]).as("sender %s level %s: %s after %s", m[0], m[2],
                                m[1], prev).isTrue();
                    }
                    if (gated) { // all were waiting: the levels served are the model's for that multiset
                        Model model = new Model(limit);
                        int seq = 0;
                        for (int[] row : levels) {
                            for (int level : row) {
                                model.waiting.add(new Waiting(seq, level, false, 0, seq++));
                            }
                        }
                        List<Integer> expected = new ArrayList<>();
                        while (!model.waiting.isEmpty()) {
                            expected.add(model.serve().level());
                        }
                        assertThat(r.got.stream().map(m -> m[2]).toList()).isEqualTo(expected);
                    }
                });
    }
}
