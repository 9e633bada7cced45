package dev.weft.component;

import dev.weft.scope.Scope;
import dev.weft.scope.ScopeOptions;
import dev.weft.scope.TaskFailedException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running system of components ({@link Components#open()}): owns the components it {@link #start}s the way a scope
 * owns its tasks. {@link #join()} waits until they all ended; {@link #close()} asks those still running to stop
 * ({@link Shutdown} on their {@code "control"}), waits up to the grace period, then cancels what remains (interrupting
 * it), and rethrows the first failure not yet reported. Nothing outlives the system.
 *
 * <p>Owner-confined like a scope: the thread that opened it starts components, joins and closes; views may be read
 * from any thread.
 */
public final class ComponentSystem implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ComponentSystem.class);

    private final String name;
    private final boolean strict;
    private final Duration grace;
    private final Thread owner = Thread.currentThread();
    private final Scope<Object, Void> scope;
    private final Component implicitFor;
    private final List<Component> components = new CopyOnWriteArrayList<>();
    private boolean joined;
    private boolean closed;

    ComponentSystem(Components.Options options, Component implicitFor) {
        this.name = options.name();
        this.strict = options.strictOutboxes();
        this.grace = options.closeGracePeriod();
        this.implicitFor = implicitFor;
        this.scope = Scope.open(ScopeOptions.named(name));
    }

    /** The system a component started by itself ({@link Component#start()}) runs in. */
    static ComponentSystem implicit(Component c) {
        return new ComponentSystem(Components.Options.defaults().withName(c.name()), c);
    }

    /**
     * Starts {@code component} on its own virtual thread, owned by this system.
     *
     * @throws IllegalStateException if it already started or belongs to a parent, or the system was joined or closed
     * @throws WrongThreadException if called from another thread than the system's owner
     */
    public ComponentSystem start(Component component) {
        checkOwner("start");
        if (joined || closed) {
            throw new IllegalStateException("system '" + name + "' was already " + (closed ? "closed" : "joined")
                    + "; cannot start '" + component.name() + "'");
        }
        if (component.parent() != null) {
            throw new IllegalStateException("component '" + component.path() + "' is a child of '"
                    + component.parent().path() + "'; its parent starts it");
        }
        component.attach(this);
        components.add(component);
        scope.fork(component.name(), component::runOnThread);
        return this;
    }

    /**
     * Waits until every component ended, then rethrows the first failure.
     *
     * @throws ComponentFailedException if a component failed (naming the one where the failure began)
     */
    public void join() throws InterruptedException {
        checkOwner("join");
        if (joined) {
            return;
        }
        joined = true;
        try {
            scope.join();
        } catch (TaskFailedException e) {
            throw e.getCause() instanceof ComponentFailedException c ? c
                    : new ComponentFailedException(name, e.getCause() != null ? e.getCause() : e);
        } catch (CancellationException e) {
            if (!closed) {
                throw e;
            }
        }
    }

    /**
     * Stops what still runs and waits for it: sends {@link Shutdown} to every running component's {@code "control"},
     * waits up to the grace period, then cancels the rest. Rethrows a failure {@link #join()} has not reported.
     */
    @Override
    public void close() {
        checkOwner("close");
        if (closed) {
            return;
        }
        closed = true;
        boolean wasJoined = joined;
        ScheduledFuture<?> force = null;
        try {
            if (!wasJoined) {
                for (Component c : components) {
                    if (c.state() == Component.State.RUNNING) {
                        c.stop();
                    }
                }
                force = ForkJoinPool.commonPool().schedule(this::force, grace.toNanos(), TimeUnit.NANOSECONDS);
                try {
                    join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    scope.cancel();
                }
            }
        } finally {
            if (force != null) {
                force.cancel(false);
            }
            try {
                scope.close();
            } finally {
                for (Component c : components) {
                    c.endIfNeverRan(); // started as the system was cancelled: its scope skipped it
                }
            }
        }
    }

    private void force() {
        List<String> running = components.stream().filter(c -> c.state() == Component.State.RUNNING)
                .map(Component::path).toList();
        if (!running.isEmpty()) {
            LOG.warn("system '{}': {} did not stop within {} of Shutdown; cancelling them", name, running, grace);
            scope.cancel();
        }
    }

    /** The system's name, the first segment of its components' paths. */
    public String name() {
        return name;
    }

    /** Whether a send on an unlinked outbox is refused rather than dropped and counted. */
    public boolean strict() {
        return strict;
    }

    /** The components started in this system (not their children), in start order. */
    public List<Component> components() {
        return List.copyOf(components);
    }

    boolean isImplicitFor(Component c) {
        return implicitFor == c;
    }

    boolean isOwner() {
        return Thread.currentThread() == owner;
    }

    private void checkOwner(String what) {
        if (Thread.currentThread() != owner) {
            throw new WrongThreadException(what + " on component system '" + name + "' from thread "
                    + Thread.currentThread() + ", but only its owner " + owner + " may do that");
        }
    }

    @Override
    public String toString() {
        return "ComponentSystem[" + name + ", " + components.size() + " component(s)]";
    }
}
