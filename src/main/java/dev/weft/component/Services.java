package dev.weft.component;

import java.time.Duration;
import dev.weft.stm.Checkout;
import dev.weft.stm.ConcurrentUpdateException;
import dev.weft.stm.Store;
import dev.weft.stm.StoreOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.UnaryOperator;

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
 * {@link #retrieveValue} reads it, {@link #update(String, Class, UnaryOperator)} changes it from what it was, atomically.
 * Tracked values must be immutable (a record, a String, a boxed number, an immutable collection: the
 * {@linkplain Store store's rule}); a mutable list, set or map is copied, anything else mutable is refused.
 *
 * <p><b>On an STM store</b>, as seed 002's author would have built it ("Today I'd rewrite the CAT to use the STM code
 * directly"): both tables live in one {@link Store}. Lookups take no lock; each change is a checkout and a commit, and
 * two components registering one name at once both commit optimistically: one wins, the other's commit fails with
 * {@link ConcurrentUpdateException}, which {@link #register} turns into a {@link ServiceException} naming the winner
 * (the conflict as its cause).
 *
 * <p>Missing names throw {@link ServiceException} naming what was asked for and what is there; the {@code find…}
 * variants return {@link Optional} instead. Thread safe: every method may be called from any thread.
 */
public final class Services {
    private static final String SERVICE = "service:";
    private static final String VALUE = "value:";
    /** Commits on one name refused this many times in a row give up (only register/deregister storms get there). */
    private static final int MAX_ATTEMPTS = 1_000;

    private final String system;
    /** Both tables: services under {@value #SERVICE}name, tracked values under {@value #VALUE}name. */
    private final Store store;
    /**
     * Only for waking plain threads waiting in {@link #await}: a registration signals under it after its commit, and
     * a waiter looks at the store under it before parking, so no registration is missed. The store never needs it.
     */
    private final ReentrantLock wakeLock = new ReentrantLock();
    private final Condition registered = wakeLock.newCondition();
    /** Components waiting for a service in {@link #awaitFor}: woken on their own lock when one is registered. */
    private final Set<Component> waiters = new CopyOnWriteArraySet<>();

    /** Runs between a registration's look at the name and its commit: for tests that race a registration there. */
    private final Runnable beforeRegisterCommit;

    /** The registry of the system named {@code system} (used in messages). */
    Services(String system) {
        this(system, () -> { });
    }

    /** As {@link #Services(String)}, running {@code beforeRegisterCommit} just before each registration commits. */
    Services(String system, Runnable beforeRegisterCommit) {
        this.system = Objects.requireNonNull(system, "system");
        this.beforeRegisterCommit = beforeRegisterCommit;
        // Service handles are immutable, but name a component (whose identity is the point): trusted as values.
        this.store = Store.create(StoreOptions.named("services of system " + system)
                .withImmutableTypes(Service.class));
    }

    // ---- services ----

    /**
     * Registers {@code component}'s {@code inbox} under {@code name}.
     *
     * @throws ServiceException if the name is already registered (the message names the component holding it; when
     *     another registration won a race for the name, its cause is the refused commit)
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
        String key = SERVICE + name;
        ConcurrentUpdateException lost = null;
        for (int attempt = 1; ; attempt++) {
            Checkout tx = store.checkout(key);
            Optional<Service> held = tx.find(key, Service.class);
            if (held.isPresent()) {
                throw taken(name, held.get(), lost);
            }
            try {
                tx.set(key, service);
                beforeRegisterCommit.run();
                tx.commit();
                break;
            } catch (ConcurrentUpdateException e) {
                lost = e; // another commit on this name got in first: look again
                if (attempt == MAX_ATTEMPTS) {
                    throw e;
                }
            }
        }
        wakeLock.lock();
        try {
            registered.signalAll();
        } finally {
            wakeLock.unlock();
        }
        for (Component w : waiters) {
            w.wake(); // a waiting component looks at the store under its own lock
        }
    }

    private ServiceException taken(String name, Service held, ConcurrentUpdateException lost) {
        return new ServiceException(name, "service '" + name + "' is already registered in system '" + system
                + "' by '" + held.component().path() + "." + held.inbox() + "' (" + held.component().state() + ")"
                + (lost == null ? "" : ", which registered it while this registration was being committed")
                + "; deregister it first or choose another name", lost);
    }

    /**
     * The service registered under {@code name}.
     *
     * @throws ServiceException if there is none (the message lists the registered names)
     */
    public Service retrieve(String name) {
        return find(name).orElseThrow(() -> missing(name));
    }

    /** The service registered under {@code name}, if any; takes no lock. */
    public Optional<Service> find(String name) {
        Objects.requireNonNull(name, "name");
        return store.get(SERVICE + name, Service.class);
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
        wakeLock.lock();
        try {
            while (true) {
                Optional<Service> s = find(name);
                if (s.isPresent()) {
                    return s.get();
                }
                if (nanos <= 0) {
                    throw timedOut(name, timeout);
                }
                nanos = registered.awaitNanos(nanos);
            }
        } finally {
            wakeLock.unlock();
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
        return transact(SERVICE + name, tx -> {
            Service s = tx.find(SERVICE + name, Service.class).orElseThrow(() -> new ServiceException(name,
                    "cannot deregister service '" + name + "' in system '" + system + "': it is not registered "
                    + "(deregistered twice?); registered: " + serviceNames()));
            tx.remove(SERVICE + name);
            return s;
        });
    }

    /**
     * Withdraws the service registered under {@code name} only if {@code holder} offers it: for a component
     * withdrawing its own service without touching one registered since under the same name.
     *
     * @return whether a service was withdrawn
     */
    public boolean deregister(String name, Component holder) {
        Objects.requireNonNull(name, "name");
        return transact(SERVICE + name, tx -> {
            Optional<Service> s = tx.find(SERVICE + name, Service.class);
            if (s.isEmpty() || s.get().component() != holder) {
                return false;
            }
            tx.remove(SERVICE + name);
            return true;
        });
    }

    /** The names of the registered services, sorted. */
    public Set<String> serviceNames() {
        return names(SERVICE);
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
                Optional<Service> s = find(name); // under the waiter's lock: a registration's wake comes after this
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
     * @throws IllegalArgumentException if the value may change after it is tracked (see the store's rule)
     */
    public void track(String name, Object value) {
        checkName(name, "tracked value");
        Objects.requireNonNull(value, () -> "null value for tracked name '" + name + "'");
        transact(VALUE + name, tx -> {
            Optional<Object> held = tx.find(VALUE + name);
            if (held.isPresent()) {
                throw new ServiceException(name, "value '" + name + "' is already tracked in system '" + system
                        + "' (currently " + held.get() + "); use update to change it");
            }
            return tx.set(VALUE + name, value);
        });
    }

    /**
     * Changes the tracked value {@code name} to {@code value}.
     *
     * @return the value it replaced
     * @throws ServiceException if the name is not tracked (Kamaelia's {@code AccessToUndeclaredTrackedVariable})
     * @throws IllegalArgumentException if the value may change after it is tracked (see the store's rule)
     */
    public Object update(String name, Object value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, () -> "null value for tracked name '" + name + "'");
        return transact(VALUE + name, tx -> {
            Object old = tx.find(VALUE + name).orElseThrow(() -> untracked(name, "update"));
            tx.set(VALUE + name, value);
            return old;
        });
    }

    /**
     * Changes the tracked value {@code name}, a {@code type}, to {@code change} applied to it, atomically: two
     * components counting into one value never lose a count ({@code change} may run more than once, on fresh values,
     * so it must have no side effects).
     *
     * @return the new value
     * @throws ServiceException if the name is not tracked, or its value is not a {@code type}
     */
    public <T> T update(String name, Class<T> type, UnaryOperator<T> change) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(change, "change");
        return transact(VALUE + name, tx -> {
            Object old = tx.find(VALUE + name).orElseThrow(() -> untracked(name, "update"));
            T next = change.apply(typed(name, old, type));
            tx.set(VALUE + name, Objects.requireNonNull(next, () -> "update of tracked value '" + name
                    + "' returned null"));
            return next;
        });
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
        return typed(name, retrieveValue(name), type);
    }

    private <T> T typed(String name, Object v, Class<T> type) {
        if (!type.isInstance(v)) {
            throw new ServiceException(name, "tracked value '" + name + "' in system '" + system + "' is a "
                    + v.getClass().getName() + " (" + v + "), not a " + type.getName());
        }
        return type.cast(v);
    }

    /** The tracked value {@code name}, if tracked; takes no lock. */
    public Optional<Object> findValue(String name) {
        Objects.requireNonNull(name, "name");
        return store.get(VALUE + name);
    }

    /** The tracked names, sorted. */
    public Set<String> trackedNames() {
        return names(VALUE);
    }

    private ServiceException untracked(String name, String what) {
        return new ServiceException(name, "cannot " + what + " value '" + name + "' in system '" + system
                + "': it is not tracked (track it first); tracked: " + trackedNames());
    }

    // ---- the store ----

    /**
     * Runs {@code change} on a checkout of {@code key} and commits it, again on fresh values when another commit on
     * the key got in first. No back-off: commits here touch one key and take well under a microsecond, so a refused
     * one only means another change of the same name landed, and the next look sees it.
     */
    private <R> R transact(String key, Function<Checkout, R> change) {
        for (int attempt = 1; ; attempt++) {
            Checkout tx = store.checkout(key);
            R result = change.apply(tx);
            try {
                tx.commit();
                return result;
            } catch (ConcurrentUpdateException e) {
                if (attempt == MAX_ATTEMPTS) {
                    throw e;
                }
                Thread.yield();
            }
        }
    }

    private Set<String> names(String prefix) {
        Set<String> out = new TreeSet<>();
        for (String k : store.keys()) {
            if (k.startsWith(prefix)) {
                out.add(k.substring(prefix.length()));
            }
        }
        return Collections.unmodifiableSet(out);
    }

    private static void checkName(String name, String what) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(what + " name must be non-blank, got '" + name + "'");
        }
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
