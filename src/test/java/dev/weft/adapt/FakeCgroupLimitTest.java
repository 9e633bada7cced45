package dev.weft.adapt;

import static dev.weft.adapt.FakeHeap.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17's test: limits read from a fake cgroup v2 folder are honoured. A small {@code memory.max} under a large
 * heap sets the budget (80 % of the memory limit above the heap in use at the start), a change to the file is picked
 * up at the next re-read (at most once a second, as tasks end: a fake clock passes the second), and {@code cpu.max}
 * sets the CPU-bound slots.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FakeCgroupLimitTest {
    private static final long BASE = 16 * MIB;
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @TempDir
    Path cgroup;

    private final FakeHeap heap = new FakeHeap(BASE);
    private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
    private final List<Decision> heard = new CopyOnWriteArrayList<>();

    private void write(String file, String content) throws IOException {
        Files.writeString(cgroup.resolve(file), content);
    }

    private static long budgetFor(long memoryMax) {
        return (long) ((memoryMax - BASE) * 0.8);
    }

    @BeforeEach
    void smallContainerLargeHeap() throws IOException {
        write("memory.max", String.valueOf(64 * MIB));
        write("memory.current", String.valueOf(20 * MIB));
        assumeThat(Runtime.getRuntime().maxMemory()).as("a heap larger than the fake container").isGreaterThan(256 * MIB);
    }

    private AdaptiveLimit start(Goal goal, Limits limits) {
        return AdaptiveLimit.start(goal, limits, heard::add, heap, limits.machine()::snapshot, clock::get);
    }

    @Test
    void theBudgetIs80PercentOfTheContainersMemoryAboveTheStartsHeap() {
        Limits limits = Limits.fromMachine(Machine.ofCgroup(cgroup));
        for (Goal goal : List.of(Goal.MEMORY, Goal.BALANCED)) {
            try (AdaptiveLimit limit = start(goal, limits)) {
                assertThat(limit.memoryBudget()).as("budget for %s", goal).isEqualTo(budgetFor(64 * MIB));
                assertThat(limit.lastDecision().detail()).contains("budget 38.4 MiB above 16.0 MiB in use at the start");
                assertThatThrownBy(() -> limit.admit("operation 'huge' of context 'c'", Cost.memory(39 * MIB)))
                        .isInstanceOf(BudgetExceededException.class)
                        .hasMessageContaining("whole budget of 38.4 MiB");
            }
        }
        try (AdaptiveLimit speed = start(Goal.SPEED, limits)) {
            assertThat(speed.memoryBudget()).as("speed watches memory only against a budget given").isZero();
        }
        try (AdaptiveLimit given = start(Goal.MEMORY, limits.withMemoryBudget(10 * MIB))) {
            assertThat(given.memoryBudget()).as("a budget given wins over the machine's").isEqualTo(10 * MIB);
        }
    }

    @Test
    void aChangedMemoryMaxIsPickedUpAtTheNextReread() throws IOException {
        try (AdaptiveLimit limit = start(Goal.MEMORY, Limits.fromMachine(Machine.ofCgroup(cgroup)))) {
            // learn 1 MiB a task from collections (4 in flight, 4 MiB above the base): the limit grows to 38
            limit.onTaskEnd(1, 4, 0, false);
            for (int i = 0; i < 5; i++) {
                heap.collect(BASE + 4 * MIB);
            }
            assertThat(limit.current()).isEqualTo(38);

            // an unchanged machine, re-read: nothing moves (the re-read counts above the same base as the start; it once
            // counted above 0, which moved the budget from 38.4 to 51.2 MiB here)
            clock.addAndGet(2 * SECOND);
            limit.onTaskEnd(1, 4, 0, false);
            assertThat(limit.memoryBudget()).isEqualTo(budgetFor(64 * MIB));
            assertThat(limit.current()).isEqualTo(38);

            write("memory.max", String.valueOf(32 * MIB));
            limit.onTaskEnd(1, 4, 0, false);
            assertThat(limit.memoryBudget()).as("not re-read within the second").isEqualTo(budgetFor(64 * MIB));
            clock.addAndGet(SECOND + 1);
            limit.onTaskEnd(1, 4, 0, false);
            assertThat(limit.memoryBudget()).isEqualTo(budgetFor(32 * MIB));
            Decision shrunk = limit.lastDecision();
            assertThat(shrunk.reason()).isEqualTo(Decision.Reason.MACHINE);
            assertThat(shrunk.limit()).isEqualTo(12).isEqualTo(limit.current());
            assertThat(shrunk.detail()).contains("budget now 12.8 MiB");

            write("memory.max", "max"); // no container limit: the heap's maximum, far larger
            clock.addAndGet(SECOND + 1);
            limit.onTaskEnd(1, 4, 0, false);
            long heapMax = Runtime.getRuntime().maxMemory();
            assertThat(limit.memoryBudget()).isEqualTo((long) ((heapMax - BASE) * 0.8));
            assertThat(limit.lastDecision().reason()).isEqualTo(Decision.Reason.MACHINE);
            assertThat(limit.current()).as("at most doubling").isEqualTo(24);
        }
    }

    @Test
    void aWaitingCostThatNoLongerFitsAShrunkBudgetFailsInsteadOfWaitingForever() throws Exception {
        try (AdaptiveLimit limit = start(Goal.MEMORY, Limits.fromMachine(Machine.ofCgroup(cgroup)))) {
            AdaptiveLimit.Permit held = limit.admit("held", Cost.memory(30 * MIB));
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread waiter = Thread.ofPlatform().start(() -> {
                try {
                    limit.admit("operation 'later' of context 'c'", Cost.memory(20 * MIB)).close();
                } catch (Throwable t) {
                    failed.set(t);
                }
            });
            while (waiter.getState() != Thread.State.WAITING) {
                assertThat(waiter.isAlive()).as("later should wait: 30 + 20 MiB is over 38.4").isTrue();
                Thread.onSpinWait();
            }
            write("memory.max", String.valueOf(32 * MIB)); // budget 12.8 MiB: 20 MiB can never fit now
            clock.addAndGet(SECOND + 1);
            limit.onTaskEnd(1, 1, 0, false);
            assertThat(limit.memoryBudget()).isEqualTo(budgetFor(32 * MIB));
            held.close();
            waiter.join();
            assertThat(failed.get()).isInstanceOf(BudgetExceededException.class)
                    .hasMessageContaining("operation 'later' of context 'c' declares 20.0 MiB")
                    .hasMessageContaining("12.8 MiB");
            assertThat(limit.queued()).isZero();
            assertThat(limit.declaredInUse()).isZero();
        }
    }

    @Test
    void halfACpuWithTheWholeShareIsOneCpuBoundSlot() throws Exception {
        write("cpu.max", "50000 100000\n");
        try (AdaptiveLimit limit = start(Goal.SPEED, Limits.fromMachine(Machine.ofCgroup(cgroup)).withCpuShare(1.0))) {
            Cost cpu = Cost.none().withCpuBound(true);
            AdaptiveLimit.Permit first = limit.admit("cpu 1", cpu);
            AtomicReference<AdaptiveLimit.Permit> second = new AtomicReference<>();
            Thread waiter = Thread.ofPlatform().start(() -> {
                try {
                    second.set(limit.admit("cpu 2", cpu));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            while (waiter.getState() != Thread.State.WAITING) {
                assertThat(waiter.isAlive()).as("cpu 2 should wait for the one slot").isTrue();
                Thread.onSpinWait();
            }
            assertThat(limit.queued()).isEqualTo(1);
            first.close();
            waiter.join();
            assertThat(second.get()).isNotNull();
            second.get().close();
        }
    }

    @Test
    void aContainerLimitBelowWhatTheJvmUsesIsAClearErrorAtTheStart() throws IOException {
        write("memory.max", String.valueOf(8 * MIB)); // below the 16 MiB in use at the start
        assertThatThrownBy(() -> start(Goal.MEMORY, Limits.fromMachine(Machine.ofCgroup(cgroup))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("memory limit of 8.0 MiB")
                .hasMessageContaining("what the JVM already uses, 16.0 MiB")
                .hasMessageContaining("Limits.withMemoryBudget");
    }

    @Test
    void aMalformedFileAtAReReadKeepsTheBudgetAndFailsNoTask() throws IOException {
        try (AdaptiveLimit limit = start(Goal.MEMORY, Limits.fromMachine(Machine.ofCgroup(cgroup)))) {
            long before = limit.memoryBudget();
            write("memory.max", "lots");
            clock.addAndGet(2 * SECOND);
            limit.onTaskEnd(1_000_000, 1, 0, false); // would have thrown IllegalStateException from the task's end
            assertThat(limit.memoryBudget()).isEqualTo(before);
        }
    }
}
