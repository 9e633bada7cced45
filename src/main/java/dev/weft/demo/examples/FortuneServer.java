package dev.weft.demo.examples;

import dev.weft.component.Component;
import dev.weft.component.ComponentSystem;
import dev.weft.component.Components;
import dev.weft.component.ProducerFinished;
import dev.weft.component.TcpServer;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/** Kamaelia's fortune-cookie server: every client that connects gets one fortune line, then the server closes. */
public final class FortuneServer {
    /** For {@code ./weft example}. */
    public static final String DESCRIPTION = "a fortune-cookie server over TCP: fortune-server [port] [count] (count 0: until Ctrl-C)";

    /** The fortunes, handed out in turn. */
    static final List<String> FORTUNES = List.of(
            "A thread that waits costs a little memory; a thread that spins costs everyone.",
            "Send messages, not locks.",
            "No task outlives the scope that started it.",
            "Backpressure is a full inbox saying: after you.",
            "Direct delivery: straight into the inbox, no router in between.",
            "A selector thread is a scheduler you wrote yourself.",
            "Blocking code is fine once threads are cheap.",
            "Every component ends, and its parent hears of it.");

    private FortuneServer() {
    }

    /** The protocol of one connection: sends a fortune and ends, which closes the connection. */
    static final class Cookie extends Component {
        private final String fortune;

        Cookie(TcpServer.Connection connection) {
            this.fortune = FORTUNES.get((int) ((connection.id() - 1) % FORTUNES.size()));
        }

        @Override
        protected void main() throws InterruptedException {
            send(fortune);
        }
    }

    /**
     * Starts a fortune server on {@code port} (0: any free one) of the loopback address in {@code system}; after
     * {@code count} connections (0: no limit) it stops accepting and ends once they are served.
     */
    static TcpServer start(ComponentSystem system, int port, int count) {
        CountDownLatch served = new CountDownLatch(Math.max(count, 0));
        AtomicReference<TcpServer> self = new AtomicReference<>();
        TcpServer server = new TcpServer(port, connection -> {
            System.out.println("server: " + connection + " gets fortune " + connection.id());
            served.countDown();
            if (count > 0 && served.getCount() == 0) {
                // this factory runs on the server's thread; the server reads its control after this connection
                finish(self.get());
            }
            return new Cookie(connection);
        }, TcpServer.Options.defaults().withLineMode(true).withName("fortune-server"));
        self.set(server);
        system.start(server);
        return server;
    }

    private static void finish(TcpServer server) {
        try {
            server.deliver(new ProducerFinished("served its count"), Component.CONTROL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Usage: {@code FortuneServer [port] [count]}: port 0 (the default) takes any free port; after {@code count}
     * clients (default 0: no limit, stop it with Ctrl-C) the server ends. It prints the port to give the client.
     */
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        try (var system = Components.open()) {
            TcpServer server = start(system, port, count);
            System.out.println("fortune server listening on " + server.address().getAddress().getHostAddress() + ":"
                    + server.port() + (count > 0 ? ", for " + count + " client(s)" : ", until Ctrl-C"));
            Thread main = Thread.currentThread();
            Thread hook = new Thread(() -> {
                server.stop(); // Ctrl-C: Shutdown closes the server and any connection still open
                try {
                    main.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            system.join();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException stopping) {
                System.out.println("fortune server stopped after " + server.acceptedCount() + " client(s)");
                return;
            }
        }
        System.out.println("fortune server ended");
    }
}
