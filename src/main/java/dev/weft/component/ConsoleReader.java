package dev.weft.component;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads lines (without their line terminators) from an {@link InputStream}, {@code System.in} by default, and sends
 * each on {@code "outbox"}; at end of input it ends, sending {@link ProducerFinished} on {@code "signal"} (Kamaelia's
 * {@code ConsoleReader}, which prompts; this one does not). The reads block the component's own virtual thread only.
 * Between lines it looks at {@code "control"}: a {@link Shutdown} there stops it (forwarded on {@code "signal"}); a
 * read already waiting for input is not interrupted by it, so on an interactive console it takes effect after the next
 * line or at end of input (Ctrl-D). The stream is not closed: it belongs to the caller. An {@link IOException} fails the
 * component. Made by {@link Components#consoleReader()} and {@link Components#consoleReader(InputStream)}.
 *
 * <p>Thread safety: as any component; the stream is read only on the component's own thread.
 */
public final class ConsoleReader extends Component {
    private final InputStream in;
    private final Charset charset;

    /** A reader of {@code in}, decoding with {@code charset}. */
    ConsoleReader(InputStream in, Charset charset) {
        this.in = Objects.requireNonNull(in, "in");
        this.charset = Objects.requireNonNull(charset, "charset");
    }

    @Override
    protected void main() throws InterruptedException {
        // Not closed: closing the reader would close the caller's stream (System.in, for one).
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, charset));
        while (true) {
            stopIfAsked();
            String line;
            try {
                line = reader.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException("console reader '" + path() + "' could not read its input", e);
            }
            if (line == null) {
                return;
            }
            send(line);
        }
    }

    private void stopIfAsked() {
        for (Optional<Object> c = poll(CONTROL); c.isPresent(); c = poll(CONTROL)) {
            if (c.get() instanceof Shutdown s) {
                throw new ShutdownSignal(path(), s);
            }
        }
    }
}
