package dev.weft.metrics;

import dev.weft.component.ComponentObserver;
import dev.weft.tube.Epoch;
import dev.weft.tube.TubeObserver;
import dev.weft.event.Event;
import dev.weft.function.ThrowingSupplier;
import dev.weft.lock.LockObserver;
import dev.weft.scope.Scope;
import dev.weft.scope.ScopeObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * A handle on a Micrometer {@link MeterRegistry} plus common tags: what Weft's scopes, lock sets and data flows
 * record into, and what tasks and operations use to report their own metrics through {@link dev.weft.Weft#metrics()}.
 *
 * <p>Nothing records unless a handle is attached: {@link dev.weft.scope.ScopeOptions#withObserver} (a handle is a
 * {@link ScopeObserver}, a {@link LockObserver} and a {@link ComponentObserver}: the core knows observers, never
 * Micrometer), {@link dev.weft.component.Components.Options#withObserver(ComponentObserver)},
 * {@link dev.weft.flow.Orchestrator.Options#withMetrics(Metrics)} and
 * {@link dev.weft.lock.LockSet#withObserver(LockObserver)}. There is no global registry: {@link #simple()} makes a new
 * {@link SimpleMeterRegistry} on every call, and {@link #none()} is a handle whose meters discard everything.
 *
 * <p>The meters Weft itself records (all times in the registry's base unit, tags besides the handle's own):
 * <table>
 *   <caption>Meters recorded by Weft</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 *   <tr><td>{@code weft.scope.started}</td><td>counter</td><td>scope</td><td>scopes opened</td></tr>
 *   <tr><td>{@code weft.scope.ended}</td><td>timer</td><td>scope, outcome</td><td>open-to-close time of
 *       each scope; outcome {@code succeeded} (join returned), {@code failed} (join threw
 *       {@link dev.weft.scope.TaskFailedException}) or {@code cancelled} (cancelled, timed out, interrupted, or
 *       closed without join)</td></tr>
 *   <tr><td>{@code weft.scope.active}</td><td>gauge</td><td>scope</td><td>scopes open now</td></tr>
 *   <tr><td>{@code weft.task.started}</td><td>counter</td><td>scope</td><td>tasks forked</td></tr>
 *   <tr><td>{@code weft.task.queued}</td><td>timer</td><td>scope</td><td>fork-to-start time of tasks that ran</td></tr>
 *   <tr><td>{@code weft.task.ended}</td><td>timer</td><td>scope, outcome</td><td>start-to-end time of each task;
 *       outcome {@code succeeded}, {@code failed} or {@code cancelled} (a task that never ran is recorded as
 *       cancelled with zero time); its count is the number of tasks that ended so</td></tr>
 *   <tr><td>{@code weft.task.active}</td><td>gauge</td><td>scope</td><td>tasks forked and not yet ended: with
 *       Weft every task is a virtual thread, so this is the number of live Weft virtual threads</td></tr>
 *   <tr><td>{@code weft.lock.wait}</td><td>timer</td><td>outcome</td><td>time a {@code LockSet} acquisition
 *       waited; outcome {@code acquired}, {@code timeout} or {@code interrupted}</td></tr>
 *   <tr><td>{@code weft.lock.timeouts}</td><td>counter</td><td></td><td>acquisitions that timed out</td></tr>
 *   <tr><td>{@code weft.operation.run}</td><td>timer</td><td>operation, outcome</td><td>runs of each data flow
 *       operation instance (retries included in one run); outcome {@code succeeded} or {@code failed}</td></tr>
 *   <tr><td>{@code weft.event.pending}, {@code weft.event.completed}</td><td>gauge, timer</td><td>event,
 *       outcome</td><td>events {@linkplain #watch(Event, String) watched} (opt-in)</td></tr>
 *   <tr><td>{@code weft.progress.fraction}, {@code weft.progress.remaining}</td><td>gauges</td><td>progress</td>
 *       <td>see {@link Progress}</td></tr>
 *   <tr><td>{@code weft.component.sent}</td><td>counter</td><td>system, box</td><td>messages components sent on
 *       that outbox into a linkage</td></tr>
 *   <tr><td>{@code weft.component.received}</td><td>counter</td><td>system, box</td><td>messages components took
 *       from that inbox (control messages included)</td></tr>
 *   <tr><td>{@code weft.component.dropped}</td><td>counter</td><td>system, box, reason</td><td>messages dropped:
 *       {@code full} (a linkage's DROP policy), {@code ended} (the receiver had ended), at the inbox; {@code unlinked}
 *       at the sender's outbox</td></tr>
 *   <tr><td>{@code weft.component.inbox.depth}</td><td>distribution summary</td><td>system, box</td><td>the
 *       inbox's queue length just after each delivery: its max is the high-water mark, its mean the typical backlog
 *       (the live lengths are in {@link dev.weft.component.ComponentSystem#describe()})</td></tr>
 *   <tr><td>{@code weft.component.started}, {@code weft.component.ended}</td><td>counters</td><td>system; ended
 *       also outcome</td><td>components started, and ended {@code succeeded}, {@code failed} or {@code cancelled}
 *       </td></tr>
 *   <tr><td>{@code weft.component.active}</td><td>gauge</td><td>system</td><td>components started and not yet
 *       ended</td></tr>
 *   <tr><td>{@code weft.tube.node.run}</td><td>timer</td><td>tube, node, outcome</td><td>each run of a tube node
 *       ({@link dev.weft.tube.Runners.Options#withObserver}); outcome {@code succeeded} or {@code failed}</td></tr>
 *   <tr><td>{@code weft.tube.epoch}</td><td>timer</td><td>tube</td><td>start-to-end time of each root epoch; its
 *       count over time is the epochs per second</td></tr>
 *   <tr><td>{@code weft.tube.epochs.inflight}</td><td>gauge</td><td>tube</td><td>root epochs started and not
 *       yet ended (bounded by {@code maxEpochsInFlight})</td></tr>
 * </table>
 * Tag {@code scope} is the scope's name ({@code unnamed} for none), never its path, to keep tag values few; a data
 * flow tags the scopes of all its contexts {@code flow.context}.
 *
 * <p>Thread safety: immutable and thread safe; meters are Micrometer's, which are thread safe.
 */
public final class Metrics implements ScopeObserver, LockObserver, ComponentObserver, TubeObserver {
    /** Bound by data flow runs around each operation, so that {@link #current()} is tagged with the operation. */
    private static final ScopedValue<Metrics> CURRENT = ScopedValue.newInstance();
    private static final Metrics NONE;

    static {
        SimpleMeterRegistry discard = new SimpleMeterRegistry();
        discard.config().meterFilter(MeterFilter.deny()); // denied meters are no-ops and are never stored
        NONE = new Metrics(discard, Tags.empty(), new State(), false);
    }

    private final MeterRegistry registry;
    private final Tags tags;
    private final State state;
    private final boolean enabled;

    /** What handles derived from one another share: the values behind their gauges, held strongly. */
    private static final class State {
        final ConcurrentHashMap<Object, AtomicLong> gauges = new ConcurrentHashMap<>();
        final ConcurrentHashMap<Object, Progress> progress = new ConcurrentHashMap<>();
        final ConcurrentHashMap<Tags, TubeMeters> tubes = new ConcurrentHashMap<>();
    }

    private Metrics(MeterRegistry registry, Tags tags, State state, boolean enabled) {
        this.registry = registry;
        this.tags = tags;
        this.state = state;
        this.enabled = enabled;
    }

    /**
     * A handle recording into {@code registry}, with no common tags.
     *
     * @throws NullPointerException if {@code registry} is null
     */
    public static Metrics of(MeterRegistry registry) {
        return new Metrics(Objects.requireNonNull(registry, "registry"), Tags.empty(), new State(), true);
    }

    /** A handle on a new {@link SimpleMeterRegistry} of its own (a new one on every call, never shared). */
    public static Metrics simple() {
        return of(new SimpleMeterRegistry());
    }

    /** The handle that records nothing: its meters are Micrometer no-ops; {@link #isEnabled()} is false. */
    public static Metrics none() {
        return NONE;
    }

    /**
     * The current context's handle: the one a data flow bound around the running operation (tagged
     * {@code operation}), else {@link #ofCurrentScope()} when the current scope records, else {@link #none()}. Never
     * null. {@link dev.weft.Weft#metrics()} returns this.
     */
    public static Metrics current() {
        if (CURRENT.isBound()) {
            return CURRENT.get();
        }
        Metrics scope = ofCurrentScope();
        return scope != null ? scope : NONE;
    }

    /**
     * The handle of the innermost scope the current thread owns, else of the scope of the task it runs, tagged
     * {@code scope} with that scope's name; {@code null} when that scope records no metrics, or outside any scope.
     */
    public static Metrics ofCurrentScope() {
        return Scope.currentProbe() instanceof ScopeMeters m ? m.metrics : null;
    }

    /**
     * As a {@link ScopeObserver}: the meters of the scope that opened (see the table above), or {@code null} for
     * {@link #none()} and other disabled handles, so that {@code withObserver(Metrics.none())} turns recording off.
     */
    @Override
    public ScopeObserver.Probe opened(String scopeName) {
        return enabled ? new ScopeMeters(this, scopeName) : null;
    }

    /**
     * As a {@link LockObserver}: the lock set's meters (timer {@code weft.lock.wait} by outcome, counter
     * {@code weft.lock.timeouts}), or {@code null} for a disabled handle. Add tags to tell sets apart.
     */
    @Override
    public LockObserver.Probe attached() {
        return enabled ? new LockMeters(this) : null;
    }

    /**
     * As a {@link ComponentObserver}: the meters of the component system that opened (see the table above: tag
     * {@code system} is its name, never a component's), or {@code null} for a disabled handle.
     */
    @Override
    public ComponentObserver.Probe systemOpened(String systemName) {
        return enabled ? new ComponentMeters(this, systemName) : null;
    }

    /** As a {@link TubeObserver}: records {@code weft.tube.node.run} (see the table above). */
    @Override
    public void nodeRan(String tubeId, String nodeId, Epoch epoch, Duration time, boolean failed) {
        if (enabled) {
            tubeMeters(tubeId).nodeRan(nodeId, time, failed);
        }
    }

    /** As a {@link TubeObserver}: updates {@code weft.tube.epochs.inflight}. */
    @Override
    public void epochStarted(String tubeId, Epoch epoch, int inFlight) {
        if (enabled) {
            tubeMeters(tubeId).inFlight(inFlight);
        }
    }

    /** As a {@link TubeObserver}: records {@code weft.tube.epoch} and updates {@code weft.tube.epochs.inflight}. */
    @Override
    public void epochEnded(String tubeId, Epoch epoch, Duration time, int inFlight) {
        if (enabled) {
            TubeMeters m = tubeMeters(tubeId);
            m.epochEnded(time);
            m.inFlight(inFlight);
        }
    }

    private TubeMeters tubeMeters(String tubeId) {
        Tags key = tags.and("tube", tubeId);
        TubeMeters m = state.tubes.get(key);
        return m != null ? m : state.tubes.computeIfAbsent(key, k -> new TubeMeters(withTags("tube", tubeId)));
    }

    /**
     * Runs {@code op} with {@code metrics} as the {@linkplain #current(Metrics) current handle}, returning what it
     * returns. Used by data flow runs around each operation; usable by any code that wants tasks it calls to report
     * into a given handle.
     *
     * @throws NullPointerException if an argument is null
     */
    public static <R, X extends Exception> R callWith(Metrics metrics, ThrowingSupplier<? extends R, X> op)
            throws X {
        Objects.requireNonNull(op, "op");
        return ScopedValue.where(CURRENT, Objects.requireNonNull(metrics, "metrics")).call(op::get);
    }

    /** The registry this handle records into (for {@link #none()}, one that stores nothing). */
    public MeterRegistry registry() {
        return registry;
    }

    /** The tags added to every meter made through this handle. */
    public Tags tags() {
        return tags;
    }

    /** False only for {@link #none()}. */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * A handle on the same registry with these tags added (a key given again replaces its value).
     *
     * @param keyValues key, value, key, value...
     * @throws IllegalArgumentException for an odd number of strings
     * @throws NullPointerException     for a null key or value
     */
    public Metrics withTags(String... keyValues) {
        return enabled ? new Metrics(registry, tags.and(keyValues), state, true) : this;
    }

    /** A handle on the same registry with these tags added; see {@link #withTags(String...)}. */
    public Metrics withTags(Iterable<Tag> more) {
        return enabled ? new Metrics(registry, tags.and(more), state, true) : this;
    }

    /**
     * The counter {@code name} with this handle's tags and {@code keyValues}, made on first use.
     *
     * @throws IllegalArgumentException for an odd number of tag strings
     * @throws NullPointerException     for a null name, key or value
     */
    public Counter counter(String name, String... keyValues) {
        return Counter.builder(name).tags(tags.and(keyValues)).register(registry);
    }

    /**
     * Counts into the counter {@code name} (this handle's tags and {@code keyValues}), looked up once, one per run:
     * for Weft's packages that count without seeing Micrometer (a run's limit moves, say).
     */
    public Runnable incrementer(String name, String... keyValues) {
        Counter c = counter(name, keyValues);
        return c::increment;
    }

    /**
     * Records durations in nanoseconds into the timer {@code name} (this handle's tags and {@code keyValues}), looked
     * up once: for Weft's packages that record without seeing Micrometer (data flows time operation runs so).
     */
    public LongConsumer nanosRecorder(String name, String... keyValues) {
        Timer t = timer(name, keyValues);
        return nanos -> t.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The timer {@code name} with this handle's tags and {@code keyValues}; see {@link #counter}. */
    public Timer timer(String name, String... keyValues) {
        return Timer.builder(name).tags(tags.and(keyValues)).register(registry);
    }

    /**
     * The value behind the gauge {@code name} with this handle's tags and {@code keyValues}: set or add to it and
     * the gauge reads it. Every call with the same name and tags, from any handle derived from the same
     * {@link #of}, returns the same value, held strongly so the gauge never goes stale. See {@link #counter}.
     */
    public AtomicLong gauge(String name, String... keyValues) {
        Tags all = tags.and(keyValues);
        if (!enabled) {
            return new AtomicLong();
        }
        return state.gauges.computeIfAbsent(List.of(name, all), k -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(name, value, AtomicLong::doubleValue).tags(all).register(registry);
            return value;
        });
    }

    /**
     * The progress report {@code name} (tag {@code progress}), made on first use with its clock started then: a
     * task or a stub operation reports how far it got, or its own estimate, and readers get an estimated time to
     * completion. The same name and tags give the same {@link Progress}.
     *
     * @throws NullPointerException if {@code name} is null
     */
    public Progress progress(String name) {
        Objects.requireNonNull(name, "name");
        if (!enabled) {
            return new Progress(name, null, tags);
        }
        return state.progress.computeIfAbsent(List.of(name, tags), k -> new Progress(name, registry, tags));
    }

    /**
     * Opt-in metrics for one event (events record nothing by themselves, so that their callbacks and wake-ups stay
     * as cheap as without metrics): gauge {@code weft.event.pending} (tag {@code event}) counts watched events of
     * this name not yet finished, and timer {@code weft.event.completed} (tags {@code event}, {@code outcome}:
     * {@code success} or {@code failed}) times each from this call to its completion. Uses
     * {@link Event#toCompletableFuture()}, so an event whose device has no callbacks costs a parked virtual thread
     * until it finishes. Returns {@code event}. Thread safe; on {@link #none()} it records nothing and watches nothing.
     *
     * @throws NullPointerException if an argument is null
     */
    public Event watch(Event event, String name) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(name, "name");
        if (!enabled) {
            return event;
        }
        AtomicLong pending = gauge("weft.event.pending", "event", name);
        Timer success = timer("weft.event.completed", "event", name, "outcome", "success");
        Timer failed = timer("weft.event.completed", "event", name, "outcome", "failed");
        long start = System.nanoTime();
        pending.incrementAndGet();
        event.toCompletableFuture().whenComplete((e, failure) -> {
            (failure == null ? success : failed).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            pending.decrementAndGet();
        });
        return event;
    }

    @Override
    public String toString() {
        return enabled ? "Metrics[" + registry.getClass().getSimpleName() + ", " + tags + "]" : "Metrics[none]";
    }
}
