package dev.weft.demo;

import dev.weft.adapt.Decision;
import dev.weft.adapt.Goal;
import dev.weft.adapt.Limits;
import dev.weft.flow.Orchestrator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * Where the downloader report calls the adaptive orchestrator (issue 17): the data flow's options for a row's goal,
 * and the decisions it made turned into {@link LimitPoint}s for {@code limits.csv} and {@code limit.png}.
 */
final class Adaptive {
    private Adaptive() {
    }

    /**
     * Collects a run's decisions. The orchestrator calls it on whichever thread moved the limit, so it only adds to a
     * concurrent queue; safe from any thread.
     */
    static final class Recorder implements Consumer<Decision> {
        /** A decision and how many contexts were done when it was recorded. */
        private record Seen(Decision decision, int done) {
        }

        private final Queue<Seen> decisions = new ConcurrentLinkedQueue<>();
        private volatile int contexts = -1;
        private volatile IntSupplier done = () -> 0;

        /**
         * Counts from now on the run's {@code contexts} and those {@code done}, so that each point says how many were
         * not started yet ({@code Decision.queued} counts only the waiters on the limit).
         */
        void counting(int contexts, IntSupplier done) {
            this.done = done;
            this.contexts = contexts;
        }

        @Override
        public void accept(Decision d) {
            decisions.add(new Seen(d, done.getAsInt()));
        }

        /** The decisions so far, in the order decided, as points in seconds since {@code startNanos}. */
        List<LimitPoint> points(long startNanos) {
            int n = contexts;
            return decisions.stream().sorted((a, b) -> Long.compare(a.decision().atNanos(), b.decision().atNanos()))
                    .map(s -> point(s.decision(), startNanos, n < 0 ? -1
                            : Math.max(0, n - s.done() - s.decision().inFlight()))).toList();
        }
    }

    /** {@code d} as a point {@code (d.atNanos - startNanos)} seconds into its round, {@code notStarted} with it. */
    static LimitPoint point(Decision d, long startNanos, int notStarted) {
        return new LimitPoint((d.atNanos() - startNanos) / 1e9, d.limit(), d.previous(), d.inFlight(), d.queued(),
                d.reason().name(), d.detail(), notStarted);
    }

    /**
     * {@code base} with the goal of {@code v}: {@link Goal#SPEED}, or {@link Goal#MEMORY} under {@code budgetBytes}
     * of live heap; the limits not given read from the machine ({@link Limits#fromMachine()}, the orchestrator's
     * default); the variant's concurrency as the ceiling ({@code withMaxContexts}); decisions to {@code recorder}.
     */
    static Orchestrator.Options options(Orchestrator.Options base, Variants.Variant v, long budgetBytes,
                                        Recorder recorder) {
        Orchestrator.Options o = base.withMaxContexts(v.concurrency()).withDecisions(recorder);
        return switch (v.goal()) {
            case SPEED -> o.withGoal(Goal.SPEED);
            case MEMORY -> {
                if (budgetBytes <= 0) {
                    throw new IllegalStateException(v.id() + ": no memory budget resolved");
                }
                yield o.withGoal(Goal.MEMORY).withLimits(Limits.fromMachine().withMemoryBudget(budgetBytes));
            }
            case NONE -> throw new IllegalArgumentException(v.id() + " has no goal");
        };
    }
}
