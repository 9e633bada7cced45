package dev.weft.demo.examples;

import dev.weft.component.Components;
import dev.weft.component.Pipeline;
import java.io.ByteArrayInputStream;
import java.io.Console;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Kamaelia's first example, the console pipeline: a console reader, a transformer and a console echoer in a pipeline.
 * Each line read is numbered and put in capitals; blank lines are dropped (the transformer returns null for them, which
 * sends nothing). At the end of input the reader ends, its {@code ProducerFinished} flows down the pipeline and
 * everything ends after the last line is printed.
 *
 * <p>{@code ./weft example console-pipeline [--stdin | --text TEXT]}: on a terminal it reads what you type (Ctrl-D
 * ends); when standard input is not a terminal it reads a fixed text, so that it ends by itself; {@code --stdin} reads
 * standard input anyway (for piped input), {@code --text} reads the given text ({@code '|'} separates lines).
 */
public final class ConsolePipeline {
    /** The line {@code ./weft example} shows. */
    public static final String DESCRIPTION = "console reader -> transformer -> echoer (a fixed text unless stdin is a terminal)";

    /** What is read when standard input is not a terminal. */
    static final String FIXED_TEXT = """
            standard input is not a terminal, so this fixed text is read instead
            each line goes from the console reader to the transformer

            (that blank line was dropped: the transformer returned null for it)
            and from the transformer to the console echoer
            """;

    private ConsolePipeline() {
    }

    /** Runs the example with its command-line arguments; bad arguments print usage and exit with status 2. */
    public static void main(String[] args) throws InterruptedException {
        try {
            run(System.in, System.out, isTerminal(), args);
        } catch (IllegalArgumentException e) {
            System.err.println("console-pipeline: " + e.getMessage());
            System.err.println("usage: ./weft example console-pipeline [--stdin | --text TEXT]");
            System.exit(2);
        }
    }

    private static boolean isTerminal() {
        Console console = System.console();
        return console != null && console.isTerminal();
    }

    /** Runs the example: reads {@code stdin} if it is a terminal or {@code --stdin} says so, prints to {@code out}. */
    static void run(InputStream stdin, PrintStream out, boolean terminal, String... args) throws InterruptedException {
        String text = null;
        boolean forceStdin = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--stdin" -> forceStdin = true;
                case "--text" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--text needs a value");
                    }
                    text = args[++i].replace('|', '\n');
                }
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
        }
        if (forceStdin && text != null) {
            throw new IllegalArgumentException("--stdin and --text exclude each other");
        }
        InputStream in;
        if (forceStdin || (terminal && text == null)) {
            in = stdin;
            out.println("console-pipeline: reading standard input; each line comes back numbered and in capitals;"
                    + " end of input (Ctrl-D on a terminal) ends it");
        } else {
            in = new ByteArrayInputStream((text != null ? text : FIXED_TEXT).getBytes(StandardCharsets.UTF_8));
            out.println("console-pipeline: reading " + (text != null ? "the given text" : "a fixed text (standard input"
                    + " is not a terminal; --stdin reads it anyway)"));
        }
        AtomicInteger lines = new AtomicInteger();
        Pipeline.of(
                Components.consoleReader(in),
                Components.transformer(String.class,
                        line -> line.isBlank() ? null : lines.incrementAndGet() + ": " + line.toUpperCase()),
                Components.consoleEchoer(out)).run();
        out.println("console-pipeline: end of input; " + lines.get() + " line(s) echoed, and the pipeline ended");
    }
}
