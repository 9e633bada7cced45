package dev.weft.demo.examples;

import dev.weft.component.Component;
import dev.weft.component.Pipeline;
import dev.weft.component.TcpClient;

/** Kamaelia's fortune-cookie client: connects, prints what the server says, and ends when the server closes. */
public final class FortuneClient {
    /** For {@code ./weft example}. */
    public static final String DESCRIPTION = "a fortune-cookie client over TCP: fortune-client host port";

    private FortuneClient() {
    }

    /** Prints each line it receives with a prefix, until the line source ends. */
    static final class Printer extends Component {
        private final String prefix;

        Printer(String prefix) {
            this.prefix = prefix;
        }

        @Override
        protected void main() {
            for (Object line : messages()) {
                System.out.println(prefix + line);
            }
        }
    }

    /** A client of {@code host}:{@code port} piped into a printer: runs until the server closes the connection. */
    static Pipeline client(String host, int port, String prefix) {
        return Pipeline.of(new TcpClient(host, port, TcpClient.Options.defaults().withLineMode(true)),
                new Printer(prefix));
    }

    /** Usage: {@code FortuneClient host port}, for example the address a {@link FortuneServer} printed. */
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: FortuneClient host port (a FortuneServer prints its port)");
            System.exit(2);
        }
        client(args[0], Integer.parseInt(args[1]), "fortune: ").run();
    }
}
