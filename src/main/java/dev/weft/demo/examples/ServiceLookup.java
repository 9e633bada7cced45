package dev.weft.demo.examples;

import dev.weft.component.Component;
import dev.weft.component.ComponentSystem;
import dev.weft.component.Components;
import dev.weft.component.ProducerFinished;
import dev.weft.component.Service;
import dev.weft.component.Splitter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A manual service lookup plus a splitter's dynamic sinks: listeners found by name join and leave a ticking clock. */
public final class ServiceLookup {
    private ServiceLookup() {
    }

    /** The "printer" service: prints every line it gets, from whoever linked to it. */
    static final class Printer extends Component {
        Printer() {
            super("printer");
        }

        @Override
        protected void main() {
            for (Object line : messages()) {
                System.out.println("  " + line);
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

    /** Runs the lookup example; ends when every listener has left. */
    public static void main(String[] args) throws InterruptedException {
        Printer printer = new Printer();
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
            System.out.println("services: " + services.serviceNames());
            System.out.println("a joins before tick 1, b before tick 3; a leaves and c joins after tick 4");

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
            System.out.println("tracked 'ticks sent' = " + services.retrieveValue("ticks sent"));
        }
        for (Listener l : listeners) {
            System.out.println("listener " + l.name() + " heard " + l.heard);
        }
    }
}
