package dev.weft.bench;

import java.util.Arrays;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The shared {@code main} of the launcher's report commands ({@code ./weft bench server}, {@code ./weft bench
 * cluster}): {@code --help} prints the usage; bad arguments print one line naming the command and exit 2; a report
 * that could not be made prints why and exits 1; otherwise exit 0. It always ends the JVM itself, since the reports
 * leave non-daemon threads behind (Pekko's, the workers' output pumps).
 */
public final class ReportMain {
    private ReportMain() {
    }

    /** A report run on its parsed options. */
    @FunctionalInterface
    public interface Report<O> {
        /** Makes the report. */
        void run(O options) throws Exception;
    }

    /** Parses {@code args} with {@code parse} and runs {@code report} as above; {@code command}: "bench x". */
    public static <O> void main(String command, String[] args, Supplier<String> usage, Function<String[], O> parse,
            Report<O> report) {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.println(usage.get());
            return;
        }
        O options;
        try {
            options = parse.apply(args);
        } catch (IllegalArgumentException e) {
            System.err.println(command + ": " + e.getMessage() + " (./weft " + command + " --help lists the options)");
            System.exit(2);
            return;
        }
        int status = 0;
        try {
            report.run(options);
        } catch (Exception e) {
            System.err.println(command + " failed: " + e);
            e.printStackTrace();
            status = 1;
        }
        System.out.flush();
        System.exit(status);
    }
}
