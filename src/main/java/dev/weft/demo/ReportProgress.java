package dev.weft.demo;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The downloader report's progress: a terminal progress bar ({@code me.tongfei:progressbar}) when the report runs on
 * a terminal and asks for one, else nothing (tests, redirected output). {@link #step} is safe from any thread.
 */
abstract sealed class ReportProgress implements AutoCloseable {
    /** A bar for {@code total} steps labelled {@code label}, or a silent one off a terminal or when not wanted. */
    static ReportProgress create(String label, int total, boolean wanted) {
        java.io.Console console = System.console();
        if (wanted && console != null && console.isTerminal()) {
            return new Bar(label, total);
        }
        return new Silent();
    }

    /** One more page done. */
    abstract void step();

    @Override
    public abstract void close();

    private static final class Silent extends ReportProgress {
        @Override
        void step() {
        }

        @Override
        public void close() {
        }
    }

    private static final class Bar extends ReportProgress {
        private final ProgressBar bar;

        Bar(String label, int total) {
            bar = new ProgressBarBuilder().setTaskName(label).setInitialMax(total).setUpdateIntervalMillis(200)
                    .setStyle(ProgressBarStyle.ASCII).continuousUpdate().setUnit(" pages", 1).build();
        }

        @Override
        void step() {
            bar.step();
        }

        @Override
        public void close() {
            bar.close();
        }
    }
}
