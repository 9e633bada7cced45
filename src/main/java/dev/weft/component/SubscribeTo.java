package dev.weft.component;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Sends on its {@value #OUTBOX} everything published to the {@link Backplane} of a name after it subscribed
 * (Kamaelia's {@code SubscribeTo}): put it at the start of a pipeline, or link from it.
 *
 * <p>When it starts it looks the backplane up in its system's {@link Services}, waiting for it to be registered (up to
 * the lookup timeout, {@link PublishTo#DEFAULT_LOOKUP_TIMEOUT} unless given; a {@link Shutdown} ends the wait), and
 * subscribes: the backplane puts each message into this component's {@value #FEED} inbox (bounded by the capacity
 * given, {@link #DEFAULT_CAPACITY} by default), from which it sends them on in order. {@link #awaitSubscribed} says
 * when the subscription took effect. What happens when {@value #FEED} is full is the backplane's
 * {@link Backplane.Overflow} policy; {@link #dropped()} counts what this subscriber lost to it. {@value #INBOX} is not
 * used.
 *
 * <p>Stopping it ({@link Shutdown} or {@link ProducerFinished} on {@value #CONTROL}) unsubscribes it and forwards the
 * message on {@value #SIGNAL}; the backplane and the other subscribers go on. When the backplane ends, it sends its
 * subscribers the control message it ended with: a subscriber then ends ({@code ProducerFinished}: after sending on
 * what it holds) and forwards it on {@value #SIGNAL}.
 *
 * <p>Threads: as every component; {@link #awaitSubscribed}, {@link #dropped()}, {@link #received()} and the views may
 * be called from any thread.
 */
public final class SubscribeTo extends Component {
    /** The inbox the backplane delivers into. */
    public static final String FEED = "feed";

    private final String backplane;
    private final Duration lookupTimeout;
    private final CountDownLatch looked = new CountDownLatch(1);
    private volatile Splitter.Sink sink;

    /** A subscriber to the backplane named {@code backplane}. */
    public SubscribeTo(String backplane) {
        this(backplane, DEFAULT_CAPACITY, PublishTo.DEFAULT_LOOKUP_TIMEOUT);
    }

    /** A subscriber to the backplane named {@code backplane} holding at most {@code capacity} messages unsent. */
    public SubscribeTo(String backplane, int capacity) {
        this(backplane, capacity, PublishTo.DEFAULT_LOOKUP_TIMEOUT);
    }

    /**
     * A subscriber to the backplane named {@code backplane} holding at most {@code capacity} messages unsent, waiting
     * up to {@code lookupTimeout} for the backplane.
     *
     * @throws IllegalArgumentException if {@code capacity < 1}
     */
    public SubscribeTo(String backplane, int capacity, Duration lookupTimeout) {
        this.backplane = Objects.requireNonNull(backplane, "backplane");
        this.lookupTimeout = Objects.requireNonNull(lookupTimeout, "lookupTimeout");
        addInbox(FEED, capacity);
    }

    /** The name of the backplane it subscribes to. */
    public String backplane() {
        return backplane;
    }

    /**
     * Waits until the subscription took effect (any thread): every message the backplane takes from then on reaches
     * this subscriber.
     *
     * @return true once subscribed; false if {@code timeout} passed, or the subscriber ended without subscribing
     */
    public boolean awaitSubscribed(Duration timeout) throws InterruptedException {
        return looked.await(timeout.toNanos(), TimeUnit.NANOSECONDS) && sink != null;
    }

    /** Messages this subscriber lost to the backplane's {@link Backplane.Overflow#DROP_OLDEST} policy (0 before). */
    public long dropped() {
        Splitter.Sink s = sink;
        return s == null ? 0 : s.dropped();
    }

    /** Messages the backplane put into {@value #FEED} (0 before subscribing). */
    public long received() {
        Splitter.Sink s = sink;
        return s == null ? 0 : s.delivered();
    }

    @Override
    protected void main() throws Exception {
        Backplane bp;
        try {
            String service = Backplane.serviceName(backplane);
            Service s = services().awaitFor(this, service, lookupTimeout);
            if (!(s.component() instanceof Backplane b)) {
                throw new ServiceException(service, "service '" + service + "' is offered by '"
                        + s.component().path() + "', which is not a Backplane; '" + path() + "' cannot subscribe");
            }
            bp = b;
            sink = bp.subscribe(this, FEED, CONTROL);
        } finally {
            looked.countDown();
        }
        try {
            while (true) {
                send(receive(FEED)); // until the backplane's end (or ours) arrives on control
            }
        } finally {
            bp.unsubscribe(sink);
        }
    }
}
