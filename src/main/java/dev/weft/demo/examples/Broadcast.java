package dev.weft.demo.examples;

import dev.weft.component.Backplane;
import dev.weft.component.Component;
import dev.weft.component.ComponentSystem;
import dev.weft.component.Components;
import dev.weft.component.Pipeline;
import dev.weft.component.PublishTo;
import dev.weft.component.SubscribeTo;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Broadcast with a forwarding publisher (Kamaelia's backplane examples): a newsroom publishes headlines to the
 * {@code headlines} backplane; alice and bob subscribe to it; a forwarder subscribes to it too, capitalises what it
 * hears and publishes that to the {@code shouted} backplane, to which carol subscribes. Nobody knows anybody else, only
 * the backplanes' names.
 *
 * <p>The end flows the same way: the newsroom's {@code ProducerFinished} ends its {@code PublishTo}, whose signal ends
 * the {@code headlines} backplane once it has passed on every headline; the backplane ends its subscribers, the
 * forwarder among them, whose signal ends {@code shouted}, which ends carol. The system then joins.
 *
 * <p>{@code ./weft example broadcast [HEADLINE...]}: the headlines to publish (a built-in four by default).
 */
public final class Broadcast {
    /** The line {@code ./weft example} shows. */
    public static final String DESCRIPTION = "broadcast through backplanes, with a forwarding publisher between two";

    static final List<String> HEADLINES = List.of(
            "Components run on virtual threads",
            "Backplanes pass every message to every subscriber",
            "A forwarder subscribes to one backplane and publishes to another",
            "Shutdown flows from the source to the last listener");

    private Broadcast() {
    }

    /** Prints what it hears, prefixed with its name, and counts it. */
    static final class Listener extends Component {
        final AtomicInteger heard = new AtomicInteger();
        private final PrintStream out;

        Listener(String name, PrintStream out) {
            super(name);
            this.out = out;
        }

        @Override
        protected void main() {
            for (Object m : messages()) {
                heard.incrementAndGet();
                out.printf("  %-6s heard: %s%n", name(), m);
            }
        }
    }

    /** Runs the example: the arguments are the headlines to publish. */
    public static void main(String[] args) throws InterruptedException {
        run(System.out, args);
    }

    /** Runs the example, printing to {@code out}; ends when the last listener heard the last headline. */
    static void run(PrintStream out, String... args) throws InterruptedException {
        List<String> headlines = args.length > 0 ? List.of(args) : HEADLINES;
        Listener alice = new Listener("alice", out);
        Listener bob = new Listener("bob", out);
        Listener carol = new Listener("carol", out);
        SubscribeTo aliceSub = new SubscribeTo("headlines");
        SubscribeTo bobSub = new SubscribeTo("headlines");
        SubscribeTo forwarderSub = new SubscribeTo("headlines");
        SubscribeTo carolSub = new SubscribeTo("shouted");
        try (ComponentSystem system = Components.open(Components.Options.defaults().withName("broadcast"))) {
            Backplane headlinesPlane = new Backplane("headlines");
            Backplane shoutedPlane = new Backplane("shouted");
            system.start(headlinesPlane).start(shoutedPlane);

            // The forwarding publisher: hears "headlines", publishes to "shouted"; its end ends "shouted".
            Pipeline forwarder = Pipeline.of(forwarderSub, Components.transformer(m -> m.toString().toUpperCase()),
                    new PublishTo("shouted"));
            Components.link(forwarder, Component.SIGNAL, shoutedPlane, Component.CONTROL);
            system.start(Pipeline.of(aliceSub, alice)).start(Pipeline.of(bobSub, bob))
                    .start(Pipeline.of(carolSub, carol)).start(forwarder);
            for (SubscribeTo s : List.of(aliceSub, bobSub, forwarderSub, carolSub)) {
                if (!s.awaitSubscribed(Duration.ofSeconds(10))) {
                    throw new IllegalStateException("subscriber '" + s.path() + "' did not subscribe");
                }
            }
            out.println("broadcast: alice and bob subscribe to 'headlines', carol to 'shouted';"
                    + " a forwarder relays 'headlines' to 'shouted' in capitals");

            // The source: its end (through PublishTo's signal) ends "headlines" once it passed everything on.
            Pipeline newsroom = Pipeline.of(Components.source(headlines), new PublishTo("headlines"));
            Components.link(newsroom, Component.SIGNAL, headlinesPlane, Component.CONTROL);
            system.start(newsroom);
            system.join();
        }
        out.printf("broadcast: alice heard %d, bob %d, carol %d of %d headlines; every component ended%n",
                alice.heard.get(), bob.heard.get(), carol.heard.get(), headlines.size());
    }
}
