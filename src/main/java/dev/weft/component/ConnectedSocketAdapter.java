package dev.weft.component;

import java.net.Socket;
import java.time.Duration;
import java.util.Optional;

/**
 * One accepted connection of a {@link TcpServer} (Kamaelia's {@code ConnectedSocketAdapter}): its {@value #INBOX}
 * is written to the socket, and its child {@link SocketReader} sends what the socket delivers out of its
 * {@value #OUTBOX}, then {@link ProducerFinished} out of its {@value #SIGNAL} when the peer closes (both pass through
 * from the reader; this component sends nothing on {@value #SIGNAL} itself).
 *
 * <p>{@code ProducerFinished} on {@value #CONTROL} (the protocol ended): what waits in the inbox is written, then the
 * socket closes. {@link Shutdown} on {@value #CONTROL}: the socket closes at once. A write that fails because the
 * peer went away closes the socket too. Either way the reader, blocked in {@code read()}, ends because its socket
 * closed, and {@code onEnd} runs. Two parked virtual threads while idle: this one on its inbox, the reader on the
 * socket.
 */
final class ConnectedSocketAdapter extends Component {
    private static final Duration NO_LIMIT = Duration.ofNanos(-1);
    private final SocketWriter writer;
    private final Runnable onEnd;

    ConnectedSocketAdapter(String name, Socket socket, Framing framing, Runnable onEnd) {
        super(name);
        this.writer = new SocketWriter(socket, framing, name);
        this.onEnd = onEnd;
        SocketReader reader = new SocketReader("reader", socket, framing);
        addChildren(reader);
        Components.link(reader, OUTBOX, this, OUTBOX);
        Components.link(reader, SIGNAL, this, SIGNAL);
    }

    @Override
    protected void main() throws InterruptedException {
        try {
            ProducerFinished finishing = null;
            while (true) {
                awaitAny(NO_LIMIT);
                Optional<Object> c = poll(CONTROL);
                if (c.isPresent() && c.get() instanceof Shutdown s) {
                    throw new ShutdownSignal(path(), s);
                }
                if (c.isPresent() && c.get() instanceof ProducerFinished p) {
                    finishing = p;
                }
                Optional<Object> m = poll(INBOX);
                if (m.isPresent() && !writer.write(m.get(), !dataReady(INBOX))) {
                    return; // the peer went away
                }
                if (finishing != null && !dataReady(INBOX)) {
                    writer.flush();
                    throw new ShutdownSignal(path(), finishing);
                }
            }
        } finally {
            writer.close();
            onEnd.run();
        }
    }

    /** Closes the socket from any thread (the server's stopping path): blocked reads and writes end. */
    void closeSocket() {
        writer.close();
    }
}
