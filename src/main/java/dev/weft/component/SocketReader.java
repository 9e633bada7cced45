package dev.weft.component;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reading half of a connected socket: blocks in {@code read()} on its own virtual thread and sends what arrives
 * on {@value #OUTBOX} (framed by {@link Framing}); returns at the end of the stream, when the socket is closed (by its
 * owner, from another thread: that is how it is stopped), on an I/O error of the connection (a reset, a failed TLS
 * handshake: logged at debug, not a failure) or after a line longer than the limit. A parked read costs this one
 * virtual thread and nothing else. Used by {@link ConnectedSocketAdapter} and {@link TcpClient}, which own the socket.
 */
final class SocketReader extends Component {
    private static final Logger LOG = LoggerFactory.getLogger(SocketReader.class);
    /** The first read buffer's size, in bytes; it doubles up to {@link Framing#CHUNK} while reads fill it. */
    static final int INITIAL_BUFFER = 1024;
    private final Socket socket;
    private final Framing framing;

    SocketReader(String name, Socket socket, Framing framing) {
        super(name);
        this.socket = socket;
        this.framing = framing;
    }

    @Override
    protected void main() throws InterruptedException {
        Framing.LineSplitter lines = framing.lines ? framing.splitter() : null;
        // starts small and doubles, up to Framing.CHUNK, while reads fill it: most connections of a server read
        // short messages, and a fixed 8 KiB each was a third of what an idle connection held (issue 16)
        byte[] buf = new byte[INITIAL_BUFFER];
        try {
            InputStream in = socket.getInputStream();
            while (true) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                byte[] read = buf;
                if (n == buf.length && buf.length < Framing.CHUNK) {
                    buf = new byte[buf.length * 2];
                }
                if (lines == null) {
                    send(Arrays.copyOf(read, n));
                    continue;
                }
                for (String line : lines.feed(read, n)) {
                    send(line);
                }
                if (lines.overflowed()) {
                    LOG.debug("'{}': a line longer than {} bytes from {}; reading ends", path(), framing.maxLineLength,
                            socket.getRemoteSocketAddress());
                    return;
                }
            }
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("'" + path() + "' interrupted while reading");
            }
            if (!socket.isClosed()) {
                LOG.debug("'{}': reading from {} ended by {}", path(), socket.getRemoteSocketAddress(), e.toString());
            }
        }
        String rest = lines == null ? null : lines.rest();
        if (rest != null) {
            send(rest);
        }
    }
}
