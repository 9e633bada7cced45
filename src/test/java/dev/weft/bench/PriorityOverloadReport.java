package dev.weft.bench;

import dev.weft.component.Component;
import dev.weft.component.ComponentSystem;
import dev.weft.component.Components;
import dev.weft.component.Prioritized;
import dev.weft.component.PriorityInboxOptions;
import dev.weft.scope.Priority;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Issue 16's overload measurement, run by {@code ./weft bench priority-overload}: {@code senders} virtual threads
 * deliver as fast as they can (10% HIGH, 90% LOW) into one component whose service time is about
 * {@code serviceMicros} per message, far more than they offer: the inbox stays full and senders wait for room. Each
 * message carries its send time; the component records its wait (from the send call to its reception: time blocked
 * waiting for room plus time in the inbox). Side by side in the same run: a plain inbox (FIFO; the priority ignored),
 * a priority inbox with the default starvation guard, and one without a guard. Prints p50, p99 and max wait per
 * level, the ratio of LOW's p99 to HIGH's (goal: HIGH's p99 at most a tenth of LOW's), messages served, and the
 * guard's rescues.
 *
 * <p>Options: {@code --messages N} (served per run, default 10,000), {@code --senders N} (default 16),
 * {@code --service-us N} (default 100), {@code --capacity N} (default 256), {@code --rounds N} (default 3; the table
 * shows the median round by HIGH p99, and the minimum).
 */
public final class PriorityOverloadReport {
    private PriorityOverloadReport() {
    }

    static final String DATA = "data";

    /** A message: its level and when its send began. */
    record Sent(boolean high, long nanos) {
    }

    /** Serves {@code n} messages at a fixed service time, recording waits per level. */
    static final class Server extends Component {
        final int n;
        final long serviceNanos;
        final long[] highWaits;
        final long[] lowWaits;
        int highs;
        int lows;

        /** A plain inbox of {@code capacity} when {@code options} is null, else a priority inbox. */
        Server(PriorityInboxOptions options, int capacity, int n, long serviceNanos) {
            super("server");
            this.n = n;
            this.serviceNanos = serviceNanos;
            highWaits = new long[n];
            lowWaits = new long[n];
            if (options != null) {
                addPriorityInbox(DATA, options.withCapacity(capacity));
            } else {
                addInbox(DATA, capacity);
            }
        }

        @Override
        protected void main() throws InterruptedException {
            for (int i = 0; i < n; i++) {
                Object m = receive(DATA);
                Sent s = (Sent) (m instanceof Prioritized p ? p.message() : m); // a plain inbox delivers the envelope
                long now = System.nanoTime();
                if (s.high()) {
                    highWaits[highs++] = now - s.nanos();
                } else {
                    lowWaits[lows++] = now - s.nanos();
                }
                long until = now + serviceNanos;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait(); // the service time: CPU work, as a handler's
                }
            }
        }
    }

    record Result(String inbox, long highP50, long highP99, long highMax, long lowP50, long lowP99, long lowMax,
                  int highs, int lows, long rescues, double seconds) {
    }

    static Result run(String name, PriorityInboxOptions options, int capacity, int messages, int senders,
                      long serviceNanos) throws InterruptedException {
        Server server = new Server(options, capacity, messages, serviceNanos);
        try (ComponentSystem system = Components.open()) {
            system.start(server);
            long start = System.nanoTime();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < senders; i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        while (server.state() == Component.State.RUNNING || server.state() == Component.State.NEW) {
                            boolean high = ThreadLocalRandom.current().nextInt(10) == 0;
                            Object m = Prioritized.of(new Sent(high, System.nanoTime()),
                                    high ? Priority.HIGH : Priority.LOW);
                            if (!server.deliver(m, DATA)) {
                                return; // the server ended: its inbox is closed
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            server.join();
            double seconds = (System.nanoTime() - start) / 1e9;
            for (Thread t : threads) {
                t.join();
            }
            system.join();
            long[] h = Arrays.copyOf(server.highWaits, server.highs);
            long[] l = Arrays.copyOf(server.lowWaits, server.lows);
            Arrays.sort(h);
            Arrays.sort(l);
            return new Result(name, pct(h, 50), pct(h, 99), max(h), pct(l, 50), pct(l, 99), max(l), h.length, l.length,
                    server.starvationRescues(DATA), seconds);
        }
    }

    static long pct(long[] sorted, int p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    static long max(long[] sorted) {
        return sorted.length == 0 ? 0 : sorted[sorted.length - 1];
    }

    public static void main(String[] args) throws InterruptedException {
        int messages = 10_000, senders = 16, serviceMicros = 100, capacity = 256, rounds = 3;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help")) {
                System.out.println("usage: ./weft bench priority-overload [--messages N] [--senders N] "
                        + "[--service-us N] [--capacity N] [--rounds N]");
                return;
            }
            if (i + 1 >= args.length) {
                System.err.println("priority-overload: " + a + " needs a value");
                System.exit(2);
            }
            int v;
            try {
                v = Integer.parseInt(args[++i]);
            } catch (NumberFormatException e) {
                System.err.println("priority-overload: " + a + " needs a whole number, got '" + args[i] + "'");
                System.exit(2);
                return;
            }
            if (v < 1) {
                System.err.println("priority-overload: " + a + " must be at least 1, got " + v);
                System.exit(2);
            }
            switch (a) {
                case "--messages" -> messages = v;
                case "--senders" -> senders = v;
                case "--service-us" -> serviceMicros = v;
                case "--capacity" -> capacity = v;
                case "--rounds" -> rounds = v;
                default -> {
                    System.err.println("priority-overload: unknown option " + a + " (--help lists them)");
                    System.exit(2);
                }
            }
        }
        System.out.printf(Locale.ROOT, "priority-overload: %d senders into one component serving %d us per message, "
                        + "inbox %d, %d messages per run, %d rounds, %d cores%n", senders, serviceMicros, capacity,
                messages, rounds, Runtime.getRuntime().availableProcessors());
        List<String> kinds = List.of("plain (FIFO)", "priority, guard 16", "priority, no guard");
        PriorityInboxOptions[] options = {null, PriorityInboxOptions.defaults(),
                PriorityInboxOptions.defaults().withStarvationLimit(Integer.MAX_VALUE)};
        List<List<Result>> results = new ArrayList<>();
        for (int k = 0; k < kinds.size(); k++) {
            results.add(new ArrayList<>());
        }
        run("warm-up", options[1], capacity, messages / 4, senders, serviceMicros * 1000L);
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < kinds.size(); k++) { // interleaved, so drift hits every kind alike
                results.get(k).add(run(kinds.get(k), options[k], capacity, messages, senders,
                        serviceMicros * 1000L));
                System.out.print(".");
                System.out.flush();
            }
        }
        System.out.println();
        System.out.println("| inbox | HIGH p50 ms | HIGH p99 ms (min) | HIGH max ms | LOW p50 ms | LOW p99 ms (min) | "
                + "LOW max ms | LOW p99 / HIGH p99 | served/s | rescues |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (int k = 0; k < kinds.size(); k++) {
            List<Result> rs = new ArrayList<>(results.get(k));
            rs.sort((a, b) -> Long.compare(a.highP99(), b.highP99()));
            Result med = rs.get(rs.size() / 2);
            long minHigh = rs.get(0).highP99();
            long minLow = rs.stream().mapToLong(Result::lowP99).min().orElse(0);
            System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f (%.2f) | %.2f | %.2f | %.2f (%.2f) | %.2f | %.1f "
                            + "| %,.0f | %d |%n", kinds.get(k), ms(med.highP50()), ms(med.highP99()), ms(minHigh),
                    ms(med.highMax()), ms(med.lowP50()), ms(med.lowP99()), ms(minLow), ms(med.lowMax()),
                    med.highP99() == 0 ? 0.0 : (double) med.lowP99() / med.highP99(),
                    (med.highs() + med.lows()) / med.seconds(), med.rescues());
        }
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }
}
