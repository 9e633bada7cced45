package dev.weft.demo.examples;

import dev.weft.component.Component;
import dev.weft.component.ComponentSystem;
import dev.weft.component.Components;
import dev.weft.component.ProducerFinished;
import dev.weft.component.Service;
import dev.weft.component.Splitter;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A manual service lookup plus a splitter's dynamic sinks: a printer, a clock ({@link Splitter}) and three listeners
 * are registered by name in the system's services. Each listener looks the printer up and links to it (many to one);
 * a ticker looks the clock and the listeners up and sends the clock, on one path and so in order, ticks and the
 * requests that add and remove listeners: a joins before tick 1, b before tick 3, a leaves and c joins after tick 4.
 * The ticker counts its ticks in a tracked value.
 *
 * <p>A removed listener hears {@code ProducerFinished} from the clock (it was added with its control inbox) and leaves
 * after the ticks it already had; the ticker's end ends the clock, whose end ends b and c.
 *
 * <p>{@code ./weft example service-lookup}.
 */
public final class ServiceLookup {
    /** The line {@code ./weft example} shows. */
    public static final String DESCRIPTION = "services looked up by name, and a splitter whose sinks come and go";

    private ServiceLookup() {
    }

    /** The "printer" service: prints every line it gets, from whoever linked to it. */
    static final class Printer extends Component {
        private final PrintStream out;

        Printer(PrintStream out) {
            super("printer");
            this.out = out;
        }

        @Override
        protected void main() {
            for (Object line : messages()) {
                out.println("  " + line);
            }
        }
    }

    /** Looks the printer up by name, links to it, and reports each tick it hears until its feed ends. */
    static final class Listener extends Component {
        final List<Object> heard = new CopyOnWriteArrayList<>();

        Listener(String name) {
            super(name);
        }

        @Override
        protected void main() throws InterruptedException {
            services().retrieve("printer").linkFrom(this, OUTBOX); // many listeners, one printer: many-to-one
            for (Object tick : messages()) {
                heard.add(tick);
                send(name() + " heard " + tick);
            }
            send(name() + " leaves");
        }
    }

    /**
     * Drives the clock: looks the clock and the listeners up by name and sends, on one path (so in order), the
     * ticks and the requests that add and remove listeners; counts its ticks in a tracked value.
     */
    static final class Ticker extends Component {
        Ticker() {
            super("ticker");
        }

        @Override
        protected void main() throws InterruptedException {
            Service clock = services().retrieve("clock");
            clock.linkFrom(this, OUTBOX);
            Components.link(this, SIGNAL, clock.component(), CONTROL); // our end ends the clock
            services().track("ticks sent", 0);
            join("a");
            tick(1);
            tick(2);
            join("b");
            tick(3);
            tick(4);
            Service a = listener("a");
            send(new Splitter.RemoveSink(a.component(), a.inbox())); // a hears ProducerFinished and leaves
            join("c");
            tick(5);
            tick(6);
        }

        private Service listener(String name) {
            return services().retrieve("listener-" + name);
        }

        private void join(String name) throws InterruptedException {
            Service l = listener(name);
            send(new Splitter.AddSink(l.component(), l.inbox(), CONTROL));
        }

        private void tick(int n) throws InterruptedException {
            send("tick " + n);
            services().update("ticks sent", n);
        }
    }

    /** Runs the example. */
    public static void main(String[] args) throws InterruptedException {
        run(System.out);
    }

    /** Runs the example, printing to {@code out}; ends when every listener has left. */
    static void run(PrintStream out) throws InterruptedException {
        Printer printer = new Printer(out);
        Splitter clock = new Splitter("clock");
        List<Listener> listeners = List.of(new Listener("a"), new Listener("b"), new Listener("c"));
        try (ComponentSystem system = Components.open(Components.Options.defaults().withName("lookup"))) {
            var services = system.services();
            services.register("printer", printer, Component.INBOX);
            // The clock's inbox takes ticks and sink changes in one ordered stream.
            services.register("clock", clock, Component.INBOX);
            for (Listener l : listeners) {
                services.register("listener-" + l.name(), l, Component.INBOX);
            }
            out.println("service-lookup: services " + services.serviceNames());
            out.println("service-lookup: a joins before tick 1, b before tick 3; a leaves and c joins after tick 4");

            system.start(printer).start(clock);
            for (Listener l : listeners) {
                system.start(l);
            }
            system.start(new Ticker());
            for (Listener l : listeners) {
                l.join(); // a ends when removed, b and c when the clock ends
            }
            printer.deliver(new ProducerFinished(), Component.CONTROL); // prints what it has, then ends
            system.join();
            out.println("service-lookup: tracked 'ticks sent' = " + services.retrieveValue("ticks sent"));
        }
        for (Listener l : listeners) {
            out.println("service-lookup: listener " + l.name() + " heard " + l.heard);
        }
    }
}
