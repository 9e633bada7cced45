package dev.weft.component;

import java.io.PrintStream;
import java.util.Objects;

/**
 * Prints each message from {@code "inbox"} on its own line ({@link String#valueOf(Object)}) to a {@link PrintStream},
 * {@code System.out} by default, flushing after each, until {@link Shutdown} or (inbox drained)
 * {@link ProducerFinished} (Kamaelia's {@code ConsoleEchoer}, which writes messages without adding a line break). The
 * stream is not closed. Made by {@link Components#consoleEchoer()} and {@link Components#consoleEchoer(PrintStream)}.
 *
 * <p>Thread safety: as any component; it prints only from its own thread, each message with one {@code println}, so
 * lines of several echoers sharing a stream do not mix within a line.
 */
public final class ConsoleEchoer extends Component {
    private final PrintStream out;

    /** An echoer printing to {@code out}. */
    ConsoleEchoer(PrintStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    @Override
    protected void main() {
        for (Object m : messages()) {
            out.println(m);
            out.flush();
        }
    }
}
