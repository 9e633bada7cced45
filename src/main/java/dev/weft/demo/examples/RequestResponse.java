package dev.weft.demo.examples;

import dev.weft.component.AskException;
import dev.weft.component.AskTimeoutException;
import dev.weft.component.Asks;
import dev.weft.component.Component;
import dev.weft.component.ComponentSystem;
import dev.weft.component.Components;
import dev.weft.component.Request;
import dev.weft.component.Service;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Request/response (seed 000's pattern) on components: a price list registered as the service {@code "prices"};
 * eight customers on virtual threads ask it at once, each getting its own answer; an ask for an unknown item fails
 * with the shop's own exception; an ask the shop holds back times out, and the reply it sends later is dropped and
 * counted ({@code lateReplies}). Plain blocking code on both sides: the shop is a loop over its inbox, the customers
 * call {@code ask} and wait.
 *
 * <p>{@code ./weft example request-response}.
 */
public final class RequestResponse {
    /** The line {@code ./weft example} shows. */
    public static final String DESCRIPTION = "ask a service and get the reply: correlation, failures, a late reply";

    private RequestResponse() {
    }

    /**
     * The shop: answers each {@link Request} with a price, fails it for an unknown item; holds a request for
     * "inventory" until the next question comes (then answers it: too late, its asker gave up).
     */
    static final class Shop extends Component {
        private static final Map<String, Integer> PRICES = Map.of("apples", 3, "pears", 4, "plums", 5,
                "cherries", 9, "figs", 7, "dates", 8, "kiwis", 2, "lemons", 1);
        private final PrintStream out;
        private Request heldBack;

        Shop(PrintStream out) {
            super("shop");
            this.out = out;
        }

        @Override
        protected void main() {
            for (Object m : messages()) {
                Request r = (Request) m;
                if (heldBack != null) {
                    boolean delivered = heldBack.reply(PRICES.size() + " items");
                    out.println("shop: answered request #" + heldBack.id() + " (inventory) late: "
                            + (delivered ? "delivered" : "dropped, its asker had given up"));
                    heldBack = null;
                }
                if (r.question().equals("inventory")) {
                    heldBack = r; // counting takes a while
                    continue;
                }
                r.answer(q -> {
                    Integer price = PRICES.get(r.question(String.class));
                    if (price == null) {
                        throw new NoSuchElementException("no price for '" + q + "'");
                    }
                    return price;
                });
            }
        }
    }

    /** Runs the example. */
    public static void main(String[] args) throws InterruptedException {
        run(System.out);
    }

    /** Runs the example, printing to {@code out}. */
    static void run(PrintStream out) throws InterruptedException {
        Shop shop = new Shop(out);
        try (ComponentSystem system = Components.open(Components.Options.defaults().withName("market"))) {
            system.services().register("prices", shop, Component.INBOX);
            system.start(shop);
            Service prices = system.services().retrieve("prices");
            Duration timeout = Duration.ofSeconds(2);

            List<String> items = List.of("apples", "pears", "plums", "cherries", "figs", "dates", "kiwis", "lemons");
            String[] answers = new String[items.size()];
            List<Thread> customers = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                int n = i;
                customers.add(Thread.ofVirtual().name("customer-" + n).start(() -> {
                    try {
                        int price = prices.ask(items.get(n), Integer.class, timeout);
                        answers[n] = "customer-" + n + " asked " + items.get(n) + ": " + price;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            for (Thread c : customers) {
                c.join();
            }
            for (String a : answers) {
                out.println(a);
            }

            try {
                Asks.ask(shop, Component.INBOX, "durian", timeout);
            } catch (AskException e) {
                out.println("asked durian: " + e.getClass().getSimpleName() + ", cause: " + e.getCause());
            }
            try {
                prices.ask("inventory", Duration.ofMillis(100));
            } catch (AskTimeoutException e) {
                out.println("asked inventory: " + e.getMessage());
            }
            out.println("asked apples again: " + prices.ask("apples", timeout)); // the shop answers the held one first
            out.println("shop: " + shop.lateReplies() + " late reply dropped and counted, " + shop.openAsks()
                    + " ask(s) open");
            out.println();
            out.println(system.describe());
            shop.stop();
        }
    }
}
