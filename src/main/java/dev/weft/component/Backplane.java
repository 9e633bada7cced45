package dev.weft.component;

import java.util.List;
import java.util.Objects;

/**
 * A named publish/subscribe hub (Kamaelia's {@code Backplane}): {@link PublishTo} components publish into it by name,
 * {@link SubscribeTo} components receive by name everything published after they subscribed, and both kinds come and
 * go while it runs. Neither side knows the other, only the backplane's name.
 *
 * <pre>{@code
 * try (var system = Components.open()) {
 *     system.start(new Backplane("news"));
 *     system.start(Pipeline.of(new SubscribeTo("news"), printer));
 *     system.start(Pipeline.of(headlines, new PublishTo("news")));
 *     ...
 * }
 * }</pre>
 *
 * <p><b>Naming.</b> When it starts, a backplane registers its {@value #INBOX} in its system's {@link Services} under
 * {@link #serviceName(String) "Backplane_" + name} (Kamaelia's prefix), and withdraws it when it ends; a second
 * backplane of the same name in one system fails to start with a {@link ServiceException} naming the first. Systems
 * do not share names. Anything can publish by looking that service up and linking or delivering to it.
 *
 * <p><b>Order.</b> The backplane takes published messages in the order they reach its inbox (so each publisher's
 * messages stay in order) and puts each into every current subscriber's inbox before taking the next: every subscriber
 * sees the same sequence, starting from the first message the backplane takes after the subscription took effect
 * ({@link SubscribeTo#awaitSubscribed}). Messages published while nobody subscribes are counted ({@link #unheard()}).
 *
 * <p><b>A slow subscriber</b> is handled by the backplane's {@link Overflow} policy, chosen when it is made:
 * <ul>
 *   <li>{@link Overflow#BLOCK} (the default): the backplane waits for room in that subscriber's inbox, so the slowest
 *       subscriber paces every subscriber and, once the backplane's own inbox is full, blocks the publishers. Nothing
 *       is lost. While it waits the backplane does not see its {@value #CONTROL}: stopping or ending that subscriber
 *       (or closing the system) releases it.</li>
 *   <li>{@link Overflow#DROP_OLDEST}: the backplane never waits; when a subscriber's inbox is full the oldest message
 *       in it is dropped to make room, and counted on that subscriber ({@link Splitter.Sink#dropped()},
 *       {@link SubscribeTo#dropped()}). Publishers and the other subscribers never wait for a slow one.</li>
 * </ul>
 *
 * <p><b>Ending.</b> {@link Shutdown} on {@value #CONTROL} ends the backplane at once, {@link ProducerFinished} once
 * what was already published has been passed on. Either way it withdraws its service, then sends that control message
 * to every subscriber, which ends ({@link SubscribeTo} after passing on what it holds, for {@code ProducerFinished})
 * and forwards it on its {@value #SIGNAL}; the backplane forwards it on its own {@value #SIGNAL}. Closing the system
 * sends the backplane {@code Shutdown}, so it reaches every subscriber too; a backplane that fails or is cancelled
 * sends its subscribers {@code Shutdown}. Stopping a publisher or a subscriber never ends the backplane.
 *
 * <p>Thread safe: the views may be read from any thread.
 */
public final class Backplane extends Component {
    /** The prefix of a backplane's service name. */
    public static final String SERVICE_PREFIX = "Backplane_";

    /** What a backplane does when a subscriber's inbox is full. */
    public enum Overflow {
        /** Wait for room: the slowest subscriber paces the backplane and, through it, the publishers. */
        BLOCK,
        /** Drop the oldest message in the full inbox to make room, counting it on that subscriber. */
        DROP_OLDEST
    }

    private final String backplane;
    private final Overflow overflow;
    private final Fanout fanout;

    /** A backplane named {@code name}, which blocks on a full subscriber ({@link Overflow#BLOCK}). */
    public Backplane(String name) {
        this(name, Overflow.BLOCK);
    }

    /**
     * A backplane named {@code name} with {@code overflow} for a full subscriber.
     *
     * @throws IllegalArgumentException if the name is blank or contains {@code '/'}
     */
    public Backplane(String name, Overflow overflow) {
        super(SERVICE_PREFIX + checked(name));
        this.backplane = name;
        this.overflow = Objects.requireNonNull(overflow, "overflow");
        this.fanout = new Fanout(this);
    }

    private static String checked(String name) {
        if (name == null || name.isBlank() || name.contains("/")) {
            throw new IllegalArgumentException("backplane name must be non-blank and contain no '/', got '" + name
                    + "'");
        }
        return name;
    }

    /** The name a backplane called {@code backplane} registers its service under: {@code "Backplane_" + name}. */
    public static String serviceName(String backplane) {
        return SERVICE_PREFIX + backplane;
    }

    /** The name publishers and subscribers use. */
    public String backplaneName() {
        return backplane;
    }

    /** The policy for a full subscriber. */
    public Overflow overflow() {
        return overflow;
    }

    /** The current subscribers, in the order they subscribed, with their counters. */
    public List<Splitter.Sink> subscribers() {
        return fanout.sinks();
    }

    /** Messages published while there was no subscriber, and so went nowhere. */
    public long unheard() {
        return fanout.unheard();
    }

    /** Adds a subscriber (from any thread): {@code sink}'s {@code inbox} gets the messages, its control the end. */
    Splitter.Sink subscribe(Component sink, String inbox, String control) {
        return fanout.add(sink, inbox, control, overflow);
    }

    void unsubscribe(Splitter.Sink s) {
        fanout.remove(s);
    }

    @Override
    protected void main() throws InterruptedException {
        Services services = services();
        String service = serviceName(backplane);
        services.register(service, this, INBOX);
        ControlMessage end = null;
        try {
            while (true) {
                fanout.deliver(receive());
            }
        } catch (ShutdownSignal s) {
            end = s.message();
            throw s; // forwarded on signal
        } finally {
            services.deregister(service, this);
            fanout.end(end != null ? end : new Shutdown("backplane '" + backplane + "' failed or was cancelled"));
        }
    }
}
