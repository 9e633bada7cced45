package dev.weft.demo.examples;

import dev.weft.component.Backplane;
import dev.weft.component.Component;
import dev.weft.component.ComponentSystem;
import dev.weft.component.Components;
import dev.weft.component.Graphline;
import dev.weft.component.PublishTo;
import dev.weft.component.SubscribeTo;
import dev.weft.component.TcpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Kamaelia's chat server: a TCP server whose every connection publishes the lines it reads to a backplane and writes
 * back every line published there, so two raw TCP clients talk through it. One JVM, 127.0.0.1, a free port; it ends by
 * itself.
 */
public final class Chat {
    /** For {@code ./weft example}. */
    public static final String DESCRIPTION = "a chat server on a backplane that two raw TCP clients talk through";
    /** The backplane's name. */
    static final String ROOM = "chat";

    private Chat() {
    }

    /**
     * Starts a chat server in {@code system}: a {@link Backplane} named {@value #ROOM}, and a line-mode
     * {@link TcpServer} on 127.0.0.1:{@code port} (0: any free port) whose protocol for each connection is a graphline
     * of a {@link PublishTo} (the connection's lines in) and a {@link SubscribeTo} (the room's lines out). When the
     * client closes, the graphline passes the {@code ProducerFinished} on to both, and the connection ends.
     */
    static TcpServer start(ComponentSystem system, int port, Backplane room) {
        system.start(room);
        TcpServer server = new TcpServer(port, connection -> Graphline.builder()
                .component("say", new PublishTo(ROOM))
                .component("hear", new SubscribeTo(ROOM))
                .link("self", Component.INBOX, "say", Component.INBOX)
                .link("hear", Component.OUTBOX, "self", Component.OUTBOX)
                .build(), TcpServer.Options.defaults().withLineMode(true).withName("chat-server"));
        system.start(server);
        return server;
    }

    /** Runs the server and two clients, printing the conversation. */
    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    /** {@link #main}, printing to {@code out}. */
    static void run(PrintStream out) throws Exception {
        try (var system = Components.open(Components.Options.defaults().withName("chat"))) {
            Backplane room = new Backplane(ROOM);
            TcpServer server = start(system, 0, room);
            int port = server.port();
            out.println("chat server on 127.0.0.1:" + port);
            try (var alice = new Client("alice", port); var bob = new Client("bob", port)) {
                awaitSubscribers(room, 2); // both connections listen before anyone speaks
                alice.say("hello bob, this is alice");
                out.println("bob   reads: " + bob.read());
                out.println("alice reads: " + alice.read()); // her own line comes back too: everyone hears the room
                bob.say("hi alice! bob here");
                out.println("alice reads: " + alice.read());
                out.println("bob   reads: " + bob.read());
            }
            awaitSubscribers(room, 0); // both connections ended when their clients closed
            out.println("chat: " + server.acceptedCount() + " connections served, both closed; stopping the server");
        }
        out.println("chat: every component ended");
    }

    /** Waits until the room has {@code n} subscribers; the wait ends on their arrival, by a short park per check. */
    private static void awaitSubscribers(Backplane room, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (room.subscribers().size() != n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("chat room has " + room.subscribers().size() + " subscribers, not "
                        + n + ", after 10 s");
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /** A raw TCP client: a socket, a line reader, a line writer. */
    private static final class Client implements AutoCloseable {
        private final String name;
        private final Socket socket;
        private final BufferedReader in;
        private final PrintWriter out;

        Client(String name, int port) throws IOException {
            this.name = name;
            this.socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000); // a chat line that never comes fails the example instead of hanging it
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            this.out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
        }

        void say(String line) {
            out.println(line);
        }

        String read() throws IOException {
            String line = in.readLine();
            if (line == null) {
                throw new IOException(name + ": the server closed the connection");
            }
            return line;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
