package dev.weft.demo.examples;

import dev.weft.component.Component;
import dev.weft.component.Components;
import dev.weft.component.Pipeline;
import dev.weft.component.TcpServer;

/** A fortune-cookie server and three clients over TCP in one JVM, on 127.0.0.1 and a free port; ends by itself. */
public final class Fortune {
    /** For {@code ./weft example}. */
    public static final String DESCRIPTION = "a fortune-cookie server and three clients over TCP in one JVM; ends by itself";

    private Fortune() {
    }

    /** Runs the server for three connections and three clients one after another, then ends. */
    public static void main(String[] args) throws Exception {
        int clients = 3;
        try (var system = Components.open()) {
            TcpServer server = FortuneServer.start(system, 0, clients);
            int port = server.port();
            System.out.println("fortune server listening on 127.0.0.1:" + port + " for " + clients + " clients");
            for (int i = 1; i <= clients; i++) {
                Pipeline client = FortuneClient.client("127.0.0.1", port, "client " + i + " got: ");
                system.start(client);
                client.join(); // ends when the server closed the connection
            }
            system.join(); // the server ends once its last connection is served
            System.out.println("server ended after " + server.acceptedCount() + " connections; all components "
                    + "ended: " + system.components().stream().allMatch(c -> c.state() == Component.State.SUCCEEDED));
        }
    }
}
