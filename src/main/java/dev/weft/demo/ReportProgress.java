package dev.weft.demo;

import java.io.Console;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The downloader report's progress: a terminal progress bar ({@code me.tongfei:progressbar}) when the report runs on
 * a terminal and asks for one, else nothing (tests, redirected output). {@link #step} is safe from any thread.
 */
public abstract sealed class ReportProgress implements AutoCloseable {
    /** A bar for {@code total} steps labelled {@code label}, or a silent one off a terminal or when not wanted. */
    static ReportProgress create(String label, int total, boolean wanted) {
        return create(label, total, wanted, " pages");
    }

    /**
     * A bar for {@code total} steps labelled {@code label}, counting in {@code unit} (with its leading space), or a
     * silent one off a terminal or when not wanted.
     */
    public static ReportProgress create(String label, int total, boolean wanted, String unit) {
        Console console = System.console();
        if (wanted && console != null && console.isTerminal()) {
            return new Bar(label, total, unit);
        }
        return new Silent();
    }

    /**
     * {@code inner}, running {@code action} once on the thread whose step is the {@code at}-th (before that step is
     * passed on). The memory pass of the downloader report collects garbage there, with half the pages done.
     */
    static ReportProgress withCheckpoint(ReportProgress inner, int at, Runnable action) {
        return new Checkpoint(inner, List.of(at), step -> action.run());
    }

    /**
     * {@code inner} that also runs {@code action} with the step's number when the step count reaches each of
     * {@code at} (distinct steps, each once), on the thread that made that step.
     */
    static ReportProgress withCheckpoints(ReportProgress inner, Collection<Integer> at, IntConsumer action) {
        return new Checkpoint(inner, at, action);
    }

    /** One more step (a page, a cell) done. */
    public abstract void step();

    @Override
    public abstract void close();

    private static final class Silent extends ReportProgress {
        @Override
        public void step() {
        }

        @Override
        public void close() {
        }
    }

    private static final class Checkpoint extends ReportProgress {
        private final ReportProgress inner;
        private final Set<Integer> at;
        private final IntConsumer action;
        private final AtomicInteger steps = new AtomicInteger();

        Checkpoint(ReportProgress inner, Collection<Integer> at, IntConsumer action) {
            this.inner = inner;
            this.at = Set.copyOf(at);
            this.action = action;
        }

        @Override
        public void step() {
            int step = steps.incrementAndGet();
            if (at.contains(step)) {
                action.accept(step);
            }
            inner.step();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    private static final class Bar extends ReportProgress {
        private final ProgressBar bar;

        Bar(String label, int total, String unit) {
            bar = new ProgressBarBuilder().setTaskName(label).setInitialMax(total).setUpdateIntervalMillis(200)
                    .setStyle(ProgressBarStyle.ASCII).continuousUpdate().setUnit(unit, 1).build();
        }

        @Override
        public void step() {
            bar.step();
        }

        @Override
        public void close() {
            bar.close();
        }
    }
}
