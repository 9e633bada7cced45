package dev.weft.demo.examples;

import dev.weft.component.Component;
import dev.weft.component.Components;
import dev.weft.component.Graphline;
import dev.weft.component.Pipeline;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A graphline with a feedback cycle (Kamaelia's {@code RateControlledFileReader}): a rate controller asks a prompted
 * reader for chunks of text at a steady rate, the reader answers each request with that much text, and when it reaches
 * the end of its text its {@code "signal"} goes back to the rate controller's {@code "control"}, which stops it; the
 * controller's {@code "signal"} is the graphline's, so the end flows on down the pipeline.
 *
 * <pre>
 *   RC.outbox  -> READER.inbox      requests: "n characters, please"
 *   READER.outbox -> self.outbox    the text, chunk by chunk
 *   READER.signal -> RC.control     the cycle: end of text stops the rate controller
 *   RC.signal  -> self.signal       ... which ends the graphline's consumers
 *   self.control -> READER.control  stopping the graphline stops the reader, and so the rest
 * </pre>
 *
 * <p>{@code ./weft example feedback-cycle [--file PATH] [--rate CHARS_PER_SECOND] [--chunk CHARS]}: reads a short
 * built-in text (or the file) at 400 characters a second in chunks of 16 (by default) and prints each chunk as it comes.
 */
public final class FeedbackCycle {
    /** The line {@code ./weft example} shows. */
    public static final String DESCRIPTION = "a rate controller and a prompted reader in a graphline feedback cycle";

    /** The text read when no file is given. */
    static final String TEXT = """
            A rate controller sends requests at a steady pace; a prompted reader answers each one
            with that many characters of text. Neither knows the other: a graphline wires them,
            and wires the reader's signal back to the controller's control, so the end of the text
            stops the requests. That link back is the cycle, and it still ends.
            """;

    private FeedbackCycle() {
    }

    /** Runs the example with its command-line arguments; bad arguments print usage and exit with status 2. */
    public static void main(String[] args) throws Exception {
        try {
            run(System.out, args);
        } catch (IllegalArgumentException e) {
            System.err.println("feedback-cycle: " + e.getMessage());
            System.err.println("usage: ./weft example feedback-cycle [--file PATH] [--rate CHARS_PER_SECOND]"
                    + " [--chunk CHARS]");
            System.exit(2);
        }
    }

    /** Runs the example, printing to {@code out}. */
    static void run(PrintStream out, String... args) throws Exception {
        Path file = null;
        double rate = 400;
        int chunk = 16;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--file" -> file = Path.of(required(args[i], value));
                case "--rate" -> rate = positive(args[i], required(args[i], value));
                case "--chunk" -> chunk = (int) positive(args[i], required(args[i], value));
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
            i++;
        }
        Reader text = file == null ? new StringReader(TEXT) : Files.newBufferedReader(file, StandardCharsets.UTF_8);

        Graphline reader = Graphline.builder()
                .component("RC", new RateControl(rate, chunk))
                .component("READER", new PromptedReader(text, PromptedReader.Unit.CHARS))
                .link("RC", "outbox", "READER", "inbox")
                .link("READER", "outbox", "self", "outbox")
                .link("READER", "signal", "RC", "control")
                .link("RC", "signal", "self", "signal")
                .link("self", "control", "READER", "control")
                .build();
        AtomicInteger chunks = new AtomicInteger();
        AtomicInteger chars = new AtomicInteger();
        AtomicLong first = new AtomicLong();
        Component show = Components.transformer(String.class, s -> {
            long now = System.nanoTime();
            first.compareAndSet(0, now);
            chars.addAndGet(s.length());
            return String.format("chunk %3d at %5d ms: \"%s\"", chunks.incrementAndGet(),
                    (now - first.get()) / 1_000_000, s.replace("\n", "\\n"));
        });
        out.printf("feedback-cycle: reading %s at %.0f characters/s in chunks of %d%n",
                file == null ? "the built-in text" : file, rate, chunk);
        Pipeline.of(reader, show, Components.consoleEchoer(out)).run();
        out.printf("feedback-cycle: %d characters in %d chunks, %d ms from the first to the end; the reader's end"
                + " stopped the rate controller, and the graphline ended%n", chars.get(), chunks.get(),
                first.get() == 0 ? 0 : (System.nanoTime() - first.get()) / 1_000_000);
    }

    private static String required(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    private static double positive(String option, String value) {
        double d;
        try {
            d = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number, got '" + value + "'");
        }
        if (!(d > 0) || Double.isInfinite(d)) {
            throw new IllegalArgumentException(option + " needs a positive number, got '" + value + "'");
        }
        return d;
    }

    /**
     * Sends request sizes on {@code "outbox"} at a steady rate (Kamaelia's {@code ByteRate_RequestControl}): every
     * {@code chunk / rate} seconds it asks for {@code chunk} units, until a {@code ProducerFinished} or {@code Shutdown}
     * arrives on {@code "control"}, which it passes on through {@code "signal"}. It waits between requests on its
     * (unused) inbox with a timeout, so a control message ends it at once, without waiting for the next tick. If it
     * falls behind (a request waited for room), it does not burst to catch up.
     */
    public static final class RateControl extends Component {
        private final long intervalNanos;
        private final int chunk;

        /** A controller asking for {@code chunk} units at a time, {@code rate} units a second. */
        public RateControl(double rate, int chunk) {
            super("rate-control");
            if (!(rate > 0) || chunk < 1) {
                throw new IllegalArgumentException("rate control needs rate > 0 and chunk >= 1, got " + rate + ", "
                        + chunk);
            }
            this.chunk = chunk;
            this.intervalNanos = Math.max(1, (long) (chunk / rate * 1e9));
        }

        @Override
        protected void main() throws InterruptedException {
            long next = System.nanoTime();
            while (true) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    // nothing is sent to the inbox: this is a timed wait that a control message ends (ShutdownSignal)
                    receive(INBOX, Duration.ofNanos(wait));
                    continue;
                }
                send(chunk);
                next = Math.max(next + intervalNanos, System.nanoTime() - intervalNanos);
            }
        }
    }

    /**
     * Reads on request (Kamaelia's {@code PromptedFileReader}): each number {@code n} on {@code "inbox"} is answered on
     * {@code "outbox"} with the next {@code n} characters (or lines, joined by {@code '\n'}) of its text; at the end of
     * the text (or at {@code Shutdown}) it closes the text and ends, sending {@code ProducerFinished} (or forwarding
     * the {@code Shutdown}) on {@code "signal"}. A short last chunk is sent, then it ends without waiting for another
     * request.
     */
    public static final class PromptedReader extends Component {
        /** What a request counts. */
        public enum Unit {
            /** Characters. */
            CHARS,
            /** Lines (without their terminators). */
            LINES
        }

        private final BufferedReader text;
        private final Unit unit;

        /** A reader of {@code text} counting requests in {@code unit}; it closes {@code text} when it ends. */
        public PromptedReader(Reader text, Unit unit) {
            this(null, text, unit);
        }

        /** As {@link #PromptedReader(Reader, Unit)}, named {@code name} (null: after its class). */
        public PromptedReader(String name, Reader text, Unit unit) {
            super(name);
            this.text = new BufferedReader(Objects.requireNonNull(text, "text"));
            this.unit = Objects.requireNonNull(unit, "unit");
        }

        @Override
        protected void main() throws InterruptedException {
            try (BufferedReader in = text) {
                for (Object request : messages()) {
                    int n = ((Number) request).intValue();
                    StringBuilder chunk = new StringBuilder();
                    boolean end = unit == Unit.CHARS ? readChars(in, n, chunk) : readLines(in, n, chunk);
                    if (!chunk.isEmpty()) {
                        send(chunk.toString());
                    }
                    if (end) {
                        return;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("reader '" + path() + "' could not read its text", e);
            }
        }

        /** Appends up to {@code n} characters; true at the end of the text. */
        private static boolean readChars(BufferedReader in, int n, StringBuilder chunk) throws IOException {
            char[] buf = new char[n];
            int got = 0;
            while (got < n) {
                int r = in.read(buf, got, n - got);
                if (r < 0) {
                    chunk.append(buf, 0, got);
                    return true;
                }
                got += r;
            }
            chunk.append(buf, 0, got);
            return false;
        }

        /** Appends up to {@code n} lines joined by newlines; true at the end of the text. */
        private static boolean readLines(BufferedReader in, int n, StringBuilder chunk) throws IOException {
            for (int i = 0; i < n; i++) {
                String line = in.readLine();
                if (line == null) {
                    return true;
                }
                if (i > 0) {
                    chunk.append('\n');
                }
                chunk.append(line);
            }
            in.mark(1);
            boolean end = in.read() < 0;
            in.reset();
            return end;
        }
    }
}
