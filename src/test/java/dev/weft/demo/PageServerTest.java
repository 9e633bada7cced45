package dev.weft.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The embedded page server's connection handling, seen through raw HTTP/1.1 sockets. */
class PageServerTest {

    /** Sends one keep-alive GET for page {@code page} and reads the whole response; returns its status, or -1 at EOF. */
    private static int get(Socket socket, InputStream in, int page) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET /page/" + page + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String status = line(in);
        if (status == null) {
            return -1;
        }
        int length = 0;
        for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
            if (header.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(header.substring(15).strip());
            }
        }
        if (in.readNBytes(length).length != length) {
            return -1;
        }
        return Integer.parseInt(status.split(" ")[1]);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                return sb.isEmpty() ? null : sb.toString();
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    /**
     * The JDK server keeps at most {@code sun.net.httpserver.maxIdleConnections} (200 by default) connections idle
     * and closes any other right after its response, without saying {@code Connection: close}; a client that pooled
     * such a connection then sends its next request into a closed socket (issue 12: pages failed with "HTTP/1.1
     * header parser received no bytes" once more than 200 requests were in flight). Every connection the page
     * server answered must take a second request.
     */
    @Test
    void everyConnectionStaysOpenForTheNextRequestBeyondTwoHundred() throws Exception {
        int connections = 260;
        try (PageServer server = new PageServer(0, 0)) {
            List<Socket> sockets = new ArrayList<>();
            List<InputStream> ins = new ArrayList<>();
            try {
                for (int i = 0; i < connections; i++) {
                    Socket s = new Socket(server.base().getHost(), server.port());
                    sockets.add(s);
                    ins.add(new BufferedInputStream(s.getInputStream()));
                }
                // every connection answers one request, then all of them are idle at once
                for (int i = 0; i < connections; i++) {
                    assertThat(get(sockets.get(i), ins.get(i), i)).as("first request on connection " + i)
                            .isEqualTo(200);
                }
                int reused = 0;
                List<Integer> closed = new ArrayList<>();
                for (int i = 0; i < connections; i++) {
                    int status;
                    try {
                        status = get(sockets.get(i), ins.get(i), i);
                    } catch (IOException e) {
                        status = -1;
                    }
                    if (status == 200) {
                        reused++;
                    } else {
                        closed.add(i);
                    }
                }
                assertThat(closed).as("connections the server closed after their first response").isEmpty();
                assertThat(reused).isEqualTo(connections);
                assertThat(server.connections()).isEqualTo(connections);
                // where /proc/net/tcp can be read (Linux), it shows the server's ends open
                assertThat(server.openConnections()).isIn(-1, connections);
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
            // once the client has closed them, the server closes its ends too
            assertThat(server.awaitNoConnections(java.time.Duration.ofSeconds(30))).isTrue();
            assertThat(server.openConnections()).isIn(-1, 0);
        }
    }
}
