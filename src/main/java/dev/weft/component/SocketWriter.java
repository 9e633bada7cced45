package dev.weft.component;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writing half of a connected socket, and its closing: used from one component's thread (writes), while
 * {@link #close()} may come from any thread (that is how a blocked read or write is ended). Not a component: the
 * writing loop lives in {@link ConnectedSocketAdapter#main()} and {@link TcpClient}'s main.
 */
final class SocketWriter {
    private static final Logger LOG = LoggerFactory.getLogger(SocketWriter.class);
    private final Socket socket;
    private final Framing framing;
    private final String owner;
    private OutputStream out;
    private boolean broken;

    SocketWriter(Socket socket, Framing framing, String owner) {
        this.socket = socket;
        this.framing = framing;
        this.owner = owner;
    }

    /**
     * Writes {@code message}, flushing if {@code flush} (the caller flushes when nothing more waits). Returns false
     * when the connection is gone (the error is logged at debug; the socket is then closed): no more writes.
     */
    boolean write(Object message, boolean flush) throws InterruptedException {
        if (broken) {
            return false;
        }
        try {
            if (out == null) {
                // the JDK's growable buffer: 512 bytes, growing to 8 KiB (Framing.CHUNK) only for a connection
                // that writes that much at once; a fixed 8 KiB per connection was a third of what an idle
                // connection of a TcpServer held (issue 16, ./weft bench server)
                out = new BufferedOutputStream(socket.getOutputStream());
            }
            out.write(framing.encode(message));
            if (flush) {
                out.flush();
            }
            return true;
        } catch (IOException e) {
            return failed(e);
        }
    }

    /** Flushes what is buffered; false when the connection is gone. */
    boolean flush() throws InterruptedException {
        if (broken || out == null) {
            return !broken;
        }
        try {
            out.flush();
            return true;
        } catch (IOException e) {
            return failed(e);
        }
    }

    /**
     * Flushes and shuts the output down, so that the peer reads the end of the stream while this side may still read
     * (a TLS socket that cannot half-close stays open: the peer then sees the end when the socket closes).
     */
    void shutdownOutput() throws InterruptedException {
        if (!flush()) {
            return;
        }
        try {
            if (!socket.isOutputShutdown()) {
                socket.shutdownOutput();
            }
        } catch (UnsupportedOperationException e) {
            LOG.debug("'{}': {} cannot half-close; the output ends when the socket closes", owner,
                    socket instanceof SSLSocket ? "this TLS socket" : "this socket");
        } catch (IOException e) {
            failed(e);
        }
    }

    private boolean failed(IOException e) throws InterruptedException {
        broken = true;
        if (Thread.currentThread().isInterrupted()) {
            close();
            throw new InterruptedException("'" + owner + "' interrupted while writing");
        }
        if (!socket.isClosed()) {
            LOG.debug("'{}': writing to {} failed: {}", owner, socket.getRemoteSocketAddress(), e.toString());
        }
        close();
        return false;
    }

    /** Closes the socket, from any thread: a read or write blocked on it ends. Idempotent, never throws. */
    void close() {
        closeQuietly(socket);
    }

    static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            LOG.debug("closing {} failed: {}", s, e.toString());
        }
    }
}
