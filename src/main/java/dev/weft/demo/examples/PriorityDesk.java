package dev.weft.demo.examples;

import dev.weft.component.Component;
import dev.weft.component.ComponentSystem;
import dev.weft.component.Components;
import dev.weft.component.Prioritized;
import dev.weft.component.PriorityInboxOptions;
import dev.weft.scope.Priority;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

/**
 * A priority inbox under overload (seed 000's priorities): a dispatch desk serves one message per millisecond while
 * eight senders offer far more, nine in ten of them LOW telemetry and one in ten a HIGH alarm. The desk runs twice,
 * side by side: with a plain inbox (first come, first served: an alarm waits behind every reading queued before it)
 * and with a priority inbox (an alarm is served next, and its sender gets the next free slot; the starvation guard
 * still lets a reading through at least once every 17 receptions while alarms keep coming). It prints, per run and
 * level, how many were served and their waits from send to service.
 *
 * <p>{@code ./weft example priority-desk [MESSAGES]}: messages served per run (default 400).
 */
public final class PriorityDesk {
    /** The line {@code ./weft example} shows. */
    public static final String DESCRIPTION = "a priority inbox under overload: alarms jump the queue of readings";

    private static final String DESK = "desk";

    private PriorityDesk() {
    }

    /** An alarm or a reading, stamped when its send began. */
    record Report(boolean alarm, long sentNanos) {
    }

    /** Serves {@code n} reports, one per {@code serviceNanos}, recording each one's wait. */
    static final class Desk extends Component {
        final int n;
        final long serviceNanos;
        final List<Long> alarmWaits = new ArrayList<>();
        final List<Long> readingWaits = new ArrayList<>();

        Desk(boolean priority, int capacity, int n, long serviceNanos) {
            super(priority ? "priority-desk" : "plain-desk");
            this.n = n;
            this.serviceNanos = serviceNanos;
            if (priority) {
                addPriorityInbox(DESK, PriorityInboxOptions.defaults().withCapacity(capacity));
            } else {
                addInbox(DESK, capacity);
            }
        }

        @Override
        protected void main() throws InterruptedException {
            for (int i = 0; i < n; i++) {
                Object m = receive(DESK);
                // A priority inbox hands over the bare message; a plain one the envelope as it was sent.
                Report r = (Report) (m instanceof Prioritized p ? p.message() : m);
                (r.alarm() ? alarmWaits : readingWaits).add(System.nanoTime() - r.sentNanos());
                LockSupport.parkNanos(serviceNanos); // the work of serving it
            }
        }
    }

    /** What one run measured. */
    record Run(String desk, long[] alarms, long[] readings, long rescues) {
    }

    /** Runs one desk under eight senders until it has served {@code n} reports. */
    static Run run(boolean priority, int n, long serviceNanos) throws InterruptedException {
        Desk desk = new Desk(priority, 32, n, serviceNanos);
        try (ComponentSystem system = Components.open(Components.Options.defaults().withName("desk"))) {
            system.start(desk);
            List<Thread> senders = new ArrayList<>();
            for (int s = 0; s < 8; s++) {
                Random random = new Random(s);
                senders.add(Thread.ofVirtual().name("sender-" + s).start(() -> {
                    try {
                        boolean open = true;
                        while (open) {
                            boolean alarm = random.nextInt(10) == 0;
                            Report r = new Report(alarm, System.nanoTime());
                            open = desk.deliver(Prioritized.of(r, alarm ? Priority.HIGH : Priority.LOW), DESK);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            desk.join(); // then its inbox is closed: every sender's next delivery returns false and it stops
            for (Thread t : senders) {
                t.join();
            }
            system.join();
        }
        return new Run(desk.name(), sorted(desk.alarmWaits), sorted(desk.readingWaits),
                desk.starvationRescues(DESK));
    }

    private static long[] sorted(List<Long> waits) {
        long[] a = waits.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(a);
        return a;
    }

    static double percentileMillis(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    /** Runs both desks and prints the table. */
    static List<Run> demo(int n, long serviceNanos, PrintStream out) throws InterruptedException {
        out.printf(Locale.ROOT, "8 senders, 1 in 10 an alarm; the desk serves %d, %.1f ms each, inbox of 32%n", n,
                serviceNanos / 1e6);
        List<Run> runs = List.of(run(false, n, serviceNanos), run(true, n, serviceNanos));
        out.println("desk           level     served  wait p50 ms  wait p99 ms");
        for (Run r : runs) {
            out.printf(Locale.ROOT, "%-14s %-8s %7d %12.1f %12.1f%n", r.desk(), "alarm", r.alarms().length,
                    percentileMillis(r.alarms(), 0.5), percentileMillis(r.alarms(), 0.99));
            out.printf(Locale.ROOT, "%-14s %-8s %7d %12.1f %12.1f%n", r.desk(), "reading", r.readings().length,
                    percentileMillis(r.readings(), 0.5), percentileMillis(r.readings(), 0.99));
        }
        out.printf("the priority desk's starvation guard served a reading ahead of a waiting alarm %d times%n",
                runs.get(1).rescues());
        return runs;
    }

    /** Runs the example: the optional argument is the number of reports each desk serves. */
    public static void main(String[] args) throws InterruptedException {
        int n = 400;
        if (args.length > 0) {
            try {
                n = Integer.parseInt(args[0]);
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1) {
                System.err.println("weft: priority-desk takes a number of messages >= 1, got '" + args[0] + "'");
                System.exit(2);
                return;
            }
        }
        demo(n, 1_000_000, System.out);
    }
}
