package dev.weft.bench.server;

import dev.weft.component.Component;
import dev.weft.component.ComponentSystem;
import dev.weft.component.Components;
import dev.weft.component.TcpServer;

/**
 * Weft's {@link TcpServer} in line mode: per connection a connected-socket adapter (a virtual thread blocked in
 * {@code read()}, one waiting to write) and a {@link ThinkEcho} protocol component (a virtual thread) that receives a
 * line, sleeps the think time, and sends it back. Plain blocking code per connection, as the thread-per-connection
 * server, with the components' inboxes between the socket and the protocol.
 */
final class WeftEchoServer implements EchoServer {
    private final ComponentSystem system;
    private final TcpServer server;
    private final int port;

    /** The protocol: for each line, sleep, then send it back (the adapter adds the '\n'). */
    static final class ThinkEcho extends Component {
        private final long thinkMs;

        ThinkEcho(long thinkMs) {
            this.thinkMs = thinkMs;
        }

        @Override
        protected void main() throws InterruptedException {
            for (Object line : messages()) { // until the client closes (ProducerFinished) or Shutdown
                Thread.sleep(thinkMs); // the protocol's think time (the workload), on the component's thread
                send(line);
            }
        }
    }

    /** Listens now. */
    WeftEchoServer(long thinkMs) throws InterruptedException {
        system = Components.open();
        server = new TcpServer(0, connection -> new ThinkEcho(thinkMs), TcpServer.Options.defaults()
                .withLineMode(true).withMaxLineLength(MAX_LINE).withBacklog(BACKLOG).withName("echo"));
        system.start(server);
        int p;
        try {
            p = server.port();
        } catch (InterruptedException | RuntimeException e) {
            system.close();
            throw e;
        }
        port = p;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public long errors() {
        return 0; // a connection's I/O errors end it without failing anything (TcpServer's contract)
    }

    @Override
    public void close() {
        system.close();
    }
}
