package dev.weft.demo.examples;

import dev.weft.component.Component;
import dev.weft.component.Components;
import dev.weft.component.Graphline;
import dev.weft.component.Shutdown;
import dev.weft.component.ShutdownSignal;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * Shutdown fan-out through a graphline: several waiters, each blocked on its inbox, in one graphline whose
 * {@code ("self", "control")} is linked to nothing, so the graphline passes whatever arrives there to every child's
 * {@code "control"}. One {@code Shutdown} sent to the graphline reaches them all; each forwards it on its
 * {@code "signal"}, and those signals pass through to the graphline's own {@code "signal"} (many to one), where a tally
 * outside the graphline counts them.
 *
 * <p>{@code ./weft example shutdown-fan-out [--waiters N]}: N waiters (4 by default).
 */
public final class ShutdownFanOut {
    /** The line {@code ./weft example} shows. */
    public static final String DESCRIPTION = "one Shutdown to a graphline's control reaches all its waiters";

    private ShutdownFanOut() {
    }

    /** Runs the example with its command-line arguments; bad arguments print usage and exit with status 2. */
    public static void main(String[] args) throws InterruptedException {
        try {
            run(System.out, args);
        } catch (IllegalArgumentException e) {
            System.err.println("shutdown-fan-out: " + e.getMessage());
            System.err.println("usage: ./weft example shutdown-fan-out [--waiters N]");
            System.exit(2);
        }
    }

    /** Runs the example, printing to {@code out}. */
    static void run(PrintStream out, String... args) throws InterruptedException {
        int n = 4;
        if (args.length == 2 && args[0].equals("--waiters")) {
            try {
                n = Integer.parseInt(args[1]);
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1) {
                throw new IllegalArgumentException("--waiters needs a whole number >= 1, got '" + args[1] + "'");
            }
        } else if (args.length > 0) {
            throw new IllegalArgumentException("unknown arguments " + String.join(" ", args));
        }
        CountDownLatch waiting = new CountDownLatch(n);
        Graphline.Builder b = Graphline.builder();
        for (int i = 1; i <= n; i++) {
            String name = "waiter-" + i;
            b.component(name, new Waiter(name, waiting, out)).link(name, "signal", "self", "signal");
        }
        Graphline graphline = b.build();
        Tally tally = new Tally(n, out);
        Components.link(graphline, Component.SIGNAL, tally, Component.INBOX);

        out.println("shutdown-fan-out: a graphline of " + n + " waiters; (\"self\", \"control\") is not linked, so"
                + " the graphline passes its control messages to every child");
        try (var system = Components.open(Components.Options.defaults().withName("fan-out"))) {
            system.start(graphline).start(tally);
            waiting.await();
            out.println("main: all " + n + " waiters wait on their inbox; sending one Shutdown to the graphline's"
                    + " control");
            graphline.deliver(new Shutdown("one Shutdown from main"), Component.CONTROL); // as stop() does
            system.join();
        }
        out.println("shutdown-fan-out: graphline " + graphline.state() + ", tally " + tally.state());
    }

    /** Waits on its inbox until told to stop; says what stopped it, then lets the end message go on. */
    static final class Waiter extends Component {
        private final CountDownLatch waiting;
        private final PrintStream out;

        Waiter(String name, CountDownLatch waiting, PrintStream out) {
            super(name);
            this.waiting = waiting;
            this.out = out;
        }

        @Override
        protected void main() throws InterruptedException {
            long start = System.nanoTime();
            waiting.countDown();
            try {
                while (true) {
                    receive();
                }
            } catch (ShutdownSignal s) {
                out.printf("%s: %s after %d ms of waiting; forwarding it on its signal%n", name(), s.message(),
                        (System.nanoTime() - start) / 1_000_000);
                throw s;
            }
        }
    }

    /** Receives the waiters' end messages (as data, on its inbox) until it has one from each. */
    static final class Tally extends Component {
        private final int expected;
        private final PrintStream out;

        Tally(int expected, PrintStream out) {
            super("tally");
            this.expected = expected;
            this.out = out;
        }

        @Override
        protected void main() throws InterruptedException {
            int shutdowns = 0;
            for (int i = 0; i < expected; i++) {
                if (receive() instanceof Shutdown) {
                    shutdowns++;
                }
            }
            out.println("tally: " + shutdowns + " of " + expected + " waiters passed a Shutdown through the"
                    + " graphline's signal");
        }
    }
}
