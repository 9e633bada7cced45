package dev.weft.component;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Publishes what arrives on its {@value #INBOX} to the {@link Backplane} of a name (Kamaelia's {@code PublishTo}):
 * put it at the end of a pipeline, or link to it, and every subscriber of that backplane gets the messages.
 *
 * <p>When it starts it looks the backplane up in its system's {@link Services}, waiting for it to be registered (up to
 * the lookup timeout, {@link #DEFAULT_LOOKUP_TIMEOUT} unless given; a {@link Shutdown} ends the wait), then passes its
 * inbox through to the backplane's: messages sent to it go straight into the backplane's inbox, with no hop of their
 * own, and those that waited during the lookup move there first, in order. The backplane's inbox being full blocks
 * the senders (backpressure); once the backplane ended, messages are dropped and counted at its inbox.
 *
 * <p>{@link ProducerFinished} or {@link Shutdown} on its {@value #CONTROL} ends it and is forwarded on its
 * {@value #SIGNAL}, as every component does; it does not reach the backplane or its subscribers (Kamaelia's rule).
 * Anything else arriving on control is passed on {@value #SIGNAL} too.
 *
 * <p>Threads: as every component; {@link #awaitConnected} and the views may be called from any thread.
 */
public final class PublishTo extends Component {
    /** How long a publisher or subscriber waits for its backplane to be registered, unless told otherwise. */
    public static final Duration DEFAULT_LOOKUP_TIMEOUT = Duration.ofSeconds(10);

    private final String backplane;
    private final Duration lookupTimeout;
    private final CountDownLatch looked = new CountDownLatch(1);
    private volatile Linkage link;

    /** A publisher to the backplane named {@code backplane}. */
    public PublishTo(String backplane) {
        this(backplane, DEFAULT_LOOKUP_TIMEOUT);
    }

    /** A publisher to the backplane named {@code backplane}, waiting up to {@code lookupTimeout} for it. */
    public PublishTo(String backplane, Duration lookupTimeout) {
        this.backplane = Objects.requireNonNull(backplane, "backplane");
        this.lookupTimeout = Objects.requireNonNull(lookupTimeout, "lookupTimeout");
    }

    /** The name of the backplane it publishes to. */
    public String backplane() {
        return backplane;
    }

    /**
     * Waits until the publisher found its backplane and passes its inbox on to it (any thread).
     *
     * @return true once connected; false if {@code timeout} passed, or the publisher ended without connecting
     */
    public boolean awaitConnected(Duration timeout) throws InterruptedException {
        return looked.await(timeout.toNanos(), TimeUnit.NANOSECONDS) && link != null;
    }

    @Override
    protected void main() throws Exception {
        Linkage l;
        try {
            Service s = services().awaitFor(this, Backplane.serviceName(backplane), lookupTimeout);
            l = Links.link(Linkage.Kind.INBOX_PASSTHROUGH, this, INBOX, s.component(), s.inbox(), Delivery.BLOCK);
            link = l;
        } finally {
            looked.countDown();
        }
        try {
            while (true) {
                Object c = receive(CONTROL);
                if (c instanceof ControlMessage m) {
                    throw new ShutdownSignal(path(), m); // ends it; forwarded on signal
                }
                send(c, SIGNAL);
            }
        } finally {
            l.unlink();
        }
    }
}
