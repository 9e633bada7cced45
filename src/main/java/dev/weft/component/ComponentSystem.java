package dev.weft.component;

import dev.weft.scope.Scope;
import dev.weft.scope.ScopeOptions;
import dev.weft.scope.TaskFailedException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
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
    /** Cheap to append: starting 100,000 components copied a copy-on-write list 100,000 times. */
    private final Queue<Component> components = new ConcurrentLinkedQueue<>();
    private final Services services;
    /** The observer's probe for this system's components, or null. */
    private final ComponentObserver.Probe probe;
    private boolean joined;
    private boolean closed;

    ComponentSystem(Components.Options options, Component implicitFor) {
        this.name = options.name();
        this.strict = options.strictOutboxes();
        this.grace = options.closeGracePeriod();
        this.implicitFor = implicitFor;
        this.services = new Services(name);
        this.scope = Scope.open(ScopeOptions.named(name));
        ComponentObserver observer = options.observer();
        this.probe = observer == null ? null : observer.systemOpened(name);
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
            ComponentFailedException f = e.getCause() instanceof ComponentFailedException c ? c
                    : new ComponentFailedException(name, e.getCause() != null ? e.getCause() : e);
            // From close (the only caller once closed is set): a failure some join already threw is not thrown again
            // (in try-with-resources that would be a self-suppression error hiding it); from join: always.
            if (!f.markReported() || !closed) {
                throw f;
            }
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

    /** This system's registry of services and tracked values (its own: systems never share names); any thread. */
    public Services services() {
        return services;
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

    // ---- views and observer (issue 14, item 9) ----

    /**
     * A live view of the system as text: its components as a tree (path, class, state, what its thread waits on, and
     * the component's {@linkplain Component#status() status line} if it has one), under each its inboxes (queued /
     * capacity, delivered, dropped, and where a pass-through sends them on), its outboxes (sent), its linkages
     * (policy, dropped) and its drops on unlinked outboxes; last, the unlinked drops of the whole system. Any thread,
     * any time: each component's boxes are read under its lock, the tree as it is while it is walked.
     *
     * <pre>
     * system 'demo': 1 component, unlinked sends dropped and counted
     * └─ demo/Pipeline-7 (Pipeline): RUNNING, waiting on children
     *    │ in  inbox    0/64 queued, 0 delivered, 0 dropped, passed through to demo/Pipeline-7/Source-5.inbox
     *    │ ...
     *    ├─ demo/Pipeline-7/Source-5 (Source): RUNNING
     *    │    in  inbox    0/64 queued, 0 delivered, 0 dropped
     *    │    out outbox   12 sent
     *    │    link demo/Pipeline-7/Source-5.outbox -&gt; demo/Pipeline-7/Sink-6.inbox [BLOCK, 0 dropped]
     *    └─ ...
     * unlinked drops: 0
     * </pre>
     */
    public String describe() {
        return SystemView.text(this);
    }

    /**
     * A live view of the system as a Mermaid flowchart, in the style of {@code ./weft flow diagram}: the system and
     * every parent component are subgraphs; each component is a node showing its state, what it waits on and its
     * inboxes' queued / capacity (ended components greyed, failed red, cancelled orange); each linkage in place is an
     * edge labelled {@code outbox→inbox} (with its policy unless BLOCK, and its drops), pass-throughs dashed.
     * Components outside the system that its linkages reach are drawn outside its subgraph. Paste into any Mermaid
     * renderer (GitHub renders {@code ```mermaid} blocks). Any thread, any time.
     */
    public String mermaid() {
        return SystemView.mermaid(this);
    }

    /** The observer's probe for this system's components, or null when none is attached. */
    ComponentObserver.Probe probe() {
        return probe;
    }

    @Override
    public String toString() {
        return "ComponentSystem[" + name + ", " + components.size() + " component(s)]";
    }
}
