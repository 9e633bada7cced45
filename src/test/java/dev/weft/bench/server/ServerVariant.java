package dev.weft.bench.server;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** The report's servers: an id for the command line, what it is in words, and how to start one. */
public enum ServerVariant {
    /** Thread per connection on platform threads. */
    THREADS("threads", "thread per connection, platform threads (blocking read and sleep)"),
    /** A single-threaded NIO selector loop. */
    REACTOR("reactor", "one NIO Selector loop on one thread, timers in the loop (the lecture's epoll loop)"),
    /** NIO.2 asynchronous channels with completion handlers. */
    PROACTOR("proactor", "NIO.2 AsynchronousSocketChannel + CompletionHandlers, a scheduler for the think time"),
    /** CompletableFuture chains over the asynchronous channels. */
    FUTURES("futures", "CompletableFuture chains: readLine -> delay -> write, per connection"),
    /** Thread per connection on virtual threads. */
    VIRTUAL("virtual", "thread per connection, virtual threads (the same blocking code)"),
    /** Weft's TcpServer components. */
    WEFT("weft", "Weft TcpServer: socket adapter + protocol component per connection (virtual threads)"),
    /** Netty's NIO transport. */
    NETTY("netty", "Netty 4.2 NIO transport, echo scheduled on the channel's event loop");

    private final String id;
    private final String description;

    ServerVariant(String id, String description) {
        this.id = id;
        this.description = description;
    }

    /** The id used on the command line and in the CSV. */
    public String id() {
        return id;
    }

    /** What it is, in a line. */
    public String description() {
        return description;
    }

    /** Starts one listening on 127.0.0.1, any free port, with the given think time. */
    public EchoServer start(long thinkMs) throws Exception {
        return switch (this) {
            case THREADS -> new BlockingEchoServer(false, thinkMs);
            case REACTOR -> new ReactorEchoServer(thinkMs);
            case PROACTOR -> new ProactorEchoServer(thinkMs);
            case FUTURES -> new FuturesEchoServer(thinkMs);
            case VIRTUAL -> new BlockingEchoServer(true, thinkMs);
            case WEFT -> new WeftEchoServer(thinkMs);
            case NETTY -> new NettyEchoServer(thinkMs);
        };
    }

    /** The variant with this id. */
    public static ServerVariant of(String id) {
        for (ServerVariant v : values()) {
            if (v.id.equals(id)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown variant '" + id + "'; known: " + known());
    }

    /** Every id, comma separated, in order. */
    public static String known() {
        return Arrays.stream(values()).map(ServerVariant::id).collect(Collectors.joining(","));
    }

    /** Every variant, in order. */
    public static List<ServerVariant> all() {
        return List.of(values());
    }
}
