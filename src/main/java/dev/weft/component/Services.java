package dev.weft.component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A system's registry of services and tracked values: Kamaelia's co-ordinating assistant tracker, one per
 * {@link ComponentSystem} ({@link ComponentSystem#services()}, or {@code services()} inside a component) rather than
 * one per JVM, so that two systems never see each other's names.
 *
 * <p><b>Services</b> name one inbox of one component: {@link #register} offers it, {@link #retrieve} finds it (then
 * {@link Service#linkFrom link} to it or {@link Service#deliver deliver} into it), {@link #deregister} withdraws it. A
 * name is held by one service at a time: registering a taken name throws, naming who holds it. Services are not
 * withdrawn when their component ends (Kamaelia's rule), except where a component says so (a {@link Backplane}
 * deregisters itself when it ends); deliveries to an ended component are dropped and counted at its inbox.
 *
 * <pre>{@code
 * system.services().register("printer", printer, "inbox");
 * // elsewhere, in a component's main():
 * services().retrieve("printer").linkFrom(this, "outbox");
 * }</pre>
 *
 * <p><b>Tracked values</b> are named values shared through the system (statistics, settings): {@link #track} starts
 * tracking a name (a name tracked twice throws), {@link #update} changes it (an untracked name throws),
 * {@link #retrieveValue} reads it.
 *
 * <p>Missing names throw {@link ServiceException} naming what was asked for and what is there; the {@code find…}
 * variants return {@link Optional} instead. Thread safe: every method may be called from any thread.
 */
public final class Services {
    private final String system;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a service is registered, for plain threads waiting in {@link #await}. */
    private final Condition registered = lock.newCondition();
    // Guarded by lock:
    private final Map<String, Service> services = new HashMap<>();
    private final Map<String, Object> values = new HashMap<>();
    /** Components waiting for a service in {@link #awaitFor}: woken on their own lock when one is registered. */
    private final Set<Component> waiters = new CopyOnWriteArraySet<>();

    /** The registry of the system named {@code system} (used in messages). */
    Services(String system) {
        this.system = Objects.requireNonNull(system, "system");
    }

    // ---- services ----

    /**
     * Registers {@code component}'s {@code inbox} under {@code name}.
     *
     * @throws ServiceException if the name is already registered (the message names the component holding it)
     * @throws IllegalArgumentException if the name is blank or the component has no such inbox
     */
    public void register(String name, Component component, String inbox) {
        checkName(name, "service");
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(inbox, "inbox");
        if (!component.hasInbox(inbox)) {
            throw new IllegalArgumentException("cannot register service '" + name + "' in system '" + system
                    + "': component '" + component.path() + "' has no inbox '" + inbox + "'; its inboxes are "
                    + component.inboxNames());
        }
        Service service = new Service(name, component, inbox);
        lock.lock();
        try {
            Service held = services.get(name);
            if (held != null) {
                throw new ServiceException(name, "service '" + name + "' is already registered in system '" + system
                        + "' by '" + held.component().path() + "." + held.inbox() + "' (" + held.component().state()
                        + "); deregister it first or choose another name");
            }
            services.put(name, service);
            registered.signalAll();
        } finally {
            lock.unlock();
        }
        for (Component w : waiters) {
            w.wake(); // outside our lock: a waiting component holds its own lock while it looks here
        }
    }

    /**
     * The service registered under {@code name}.
     *
     * @throws ServiceException if there is none (the message lists the registered names)
     */
    public Service retrieve(String name) {
        return find(name).orElseThrow(() -> missing(name));
    }

    /** The service registered under {@code name}, if any. */
    public Optional<Service> find(String name) {
        Objects.requireNonNull(name, "name");
        lock.lock();
        try {
            return Optional.ofNullable(services.get(name));
        } finally {
            lock.unlock();
        }
    }

    /**
     * The service registered under {@code name}, waiting up to {@code timeout} for it to be registered; for plain
     * threads (a component waiting for a service should let its control inbox interrupt the wait, as
     * {@link PublishTo} and {@link SubscribeTo} do).
     *
     * @throws ServiceException if none was registered in time
     */
    public Service await(String name, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(name, "name");
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                Service s = services.get(name);
                if (s != null) {
                    return s;
                }
                if (nanos <= 0) {
                    throw timedOut(name, timeout);
                }
                nanos = registered.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Withdraws the service registered under {@code name}.
     *
     * @return the service withdrawn
     * @throws ServiceException if there is none (Kamaelia's {@code MultipleServiceDeletion})
     */
    public Service deregister(String name) {
        Objects.requireNonNull(name, "name");
        lock.lock();
        try {
            Service s = services.remove(name);
            if (s == null) {
                throw new ServiceException(name, "cannot deregister service '" + name + "' in system '" + system
                        + "': it is not registered (deregistered twice?); registered: " + sorted(services.keySet()));
            }
            return s;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Withdraws the service registered under {@code name} only if {@code holder} offers it: for a component
     * withdrawing its own service without touching one registered since under the same name.
     *
     * @return whether a service was withdrawn
     */
    public boolean deregister(String name, Component holder) {
        Objects.requireNonNull(name, "name");
        lock.lock();
        try {
            Service s = services.get(name);
            if (s == null || s.component() != holder) {
                return false;
            }
            services.remove(name);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The names of the registered services, sorted. */
    public Set<String> serviceNames() {
        lock.lock();
        try {
            return sorted(services.keySet());
        } finally {
            lock.unlock();
        }
    }

    /**
     * For a component's own thread: the service named {@code name}, waiting up to {@code timeout} for it to be
     * registered. The wait parks on the component's own lock, so that a {@link Shutdown} arriving on its control
     * ends it ({@link ShutdownSignal}, the component then ends normally and forwards it); a {@link ProducerFinished}
     * is left in control for later, since the component still has its data to pass on.
     *
     * @throws ServiceException if none was registered in time
     */
    Service awaitFor(Component waiter, String name, Duration timeout) throws InterruptedException {
        waiter.checkThread("wait for a service");
        Optional<Service> now = find(name);
        if (now.isPresent()) {
            return now.get();
        }
        long nanos = timeout.toNanos();
        Inbox control = waiter.inbox(Component.CONTROL, "wait for a service on");
        waiters.add(waiter);
        waiter.lock.lock();
        try {
            waiter.waitingOn = "service '" + name + "'";
            while (true) {
                Optional<Service> s = find(name); // lock order: the component's, then ours
                if (s.isPresent()) {
                    return s.get();
                }
                if (control.peek() instanceof Shutdown stop) {
                    control.take();
                    throw new ShutdownSignal(waiter.path(), stop);
                }
                if (nanos <= 0) {
                    throw timedOut(name, timeout);
                }
                nanos = waiter.arrived.awaitNanos(nanos);
            }
        } finally {
            waiter.waitingOn = null;
            waiter.lock.unlock();
            waiters.remove(waiter);
        }
    }

    private ServiceException missing(String name) {
        return new ServiceException(name, "no service named '" + name + "' in system '" + system + "'; registered: "
                + serviceNames());
    }

    private ServiceException timedOut(String name, Duration timeout) {
        return new ServiceException(name, "no service named '" + name + "' was registered in system '" + system
                + "' within " + timeout + "; registered: " + serviceNames());
    }

    // ---- tracked values ----

    /**
     * Starts tracking {@code value} under {@code name}.
     *
     * @throws ServiceException if the name is already tracked (Kamaelia's {@code NamespaceClash})
     */
    public void track(String name, Object value) {
        checkName(name, "tracked value");
        Objects.requireNonNull(value, () -> "null value for tracked name '" + name + "'");
        lock.lock();
        try {
            Object held = values.get(name);
            if (held != null) {
                throw new ServiceException(name, "value '" + name + "' is already tracked in system '" + system
                        + "' (currently " + held + "); use update to change it");
            }
            values.put(name, value);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Changes the tracked value {@code name} to {@code value}.
     *
     * @return the value it replaced
     * @throws ServiceException if the name is not tracked (Kamaelia's {@code AccessToUndeclaredTrackedVariable})
     */
    public Object update(String name, Object value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, () -> "null value for tracked name '" + name + "'");
        lock.lock();
        try {
            if (!values.containsKey(name)) {
                throw untracked(name, "update");
            }
            return values.put(name, value);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The tracked value {@code name}.
     *
     * @throws ServiceException if the name is not tracked
     */
    public Object retrieveValue(String name) {
        return findValue(name).orElseThrow(() -> untracked(name, "retrieve"));
    }

    /**
     * The tracked value {@code name}, as a {@code type}.
     *
     * @throws ServiceException if the name is not tracked, or its value is not a {@code type}
     */
    public <T> T retrieveValue(String name, Class<T> type) {
        Object v = retrieveValue(name);
        if (!type.isInstance(v)) {
            throw new ServiceException(name, "tracked value '" + name + "' in system '" + system + "' is a "
                    + v.getClass().getName() + " (" + v + "), not a " + type.getName());
        }
        return type.cast(v);
    }

    /** The tracked value {@code name}, if tracked. */
    public Optional<Object> findValue(String name) {
        Objects.requireNonNull(name, "name");
        lock.lock();
        try {
            return Optional.ofNullable(values.get(name));
        } finally {
            lock.unlock();
        }
    }

    /** The tracked names, sorted. */
    public Set<String> trackedNames() {
        lock.lock();
        try {
            return sorted(values.keySet());
        } finally {
            lock.unlock();
        }
    }

    private ServiceException untracked(String name, String what) {
        return new ServiceException(name, "cannot " + what + " value '" + name + "' in system '" + system
                + "': it is not tracked (track it first); tracked: " + trackedNames());
    }

    private static void checkName(String name, String what) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(what + " name must be non-blank, got '" + name + "'");
        }
    }

    private static Set<String> sorted(Set<String> names) {
        return Collections.unmodifiableSet(new TreeSet<>(names));
    }

    /** {@code "Services[system: services [..], values [..]]"}. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        parts.add("services " + serviceNames());
        parts.add("values " + trackedNames());
        return "Services[" + system + ": " + String.join(", ", parts) + "]";
    }
}
