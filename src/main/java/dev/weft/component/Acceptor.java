package dev.weft.component;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The accepting half of a {@link TcpServer}: blocks in {@code accept()} on its own virtual thread and sends each
 * accepted socket on {@value #OUTBOX} to the server, which makes the connection's components. Ends when the server
 * socket is closed (by the server, from its own thread: that is how it is stopped); any other accept error fails it,
 * and so the server.
 */
final class Acceptor extends Component {
    private final ServerSocket serverSocket;

    Acceptor(ServerSocket serverSocket) {
        super("acceptor");
        this.serverSocket = serverSocket;
    }

    @Override
    protected void main() throws IOException, InterruptedException {
        while (true) {
            Socket s;
            try {
                s = serverSocket.accept();
            } catch (IOException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("'" + path() + "' interrupted while accepting");
                }
                if (serverSocket.isClosed()) {
                    return;
                }
                throw e;
            }
            try {
                send(s); // blocks while the server has a full inbox of sockets to set up: backpressure on accept
            } catch (InterruptedException | RuntimeException e) {
                SocketWriter.closeQuietly(s);
                throw e;
            }
        }
    }
}
