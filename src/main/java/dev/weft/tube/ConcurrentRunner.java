package dev.weft.tube;

import dev.weft.scope.Scope;
import dev.weft.scope.ScopeOptions;
import dev.weft.tube.Schedule.RootRun;
import dev.weft.tube.Schedule.Run;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link Runners#concurrent}: a driver virtual thread owns a scope with one task per root epoch; each epoch's task
 * owns a scope with one task per ready node run, so the first failure of an epoch cancels what still runs of it and
 * nothing outlives the runner. At most {@code maxEpochsInFlight} epochs run at once (a new one waits for room) and at
 * most {@code maxPendingNodes} node runs at once across epochs.
 */
final class ConcurrentRunner extends RunnerBase {
    private static final Object END = new Object();
    private static final Object STOP = new Object();
    /**
     * Put by the last running node task of an epoch: if nothing is ready either, and nothing waits for another epoch
     * (a stateful node's turn, an asset's next value), the epoch should have ended.
     */
    private static final Object IDLE = new Object();

    /** One root epoch's runner state: its ready runs, its outcome. */
    private static final class Flight {
        final long number;
        final Map<String, Object> input;
        final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        final CompletableFuture<Result> done = new CompletableFuture<>();
        final AtomicInteger running = new AtomicInteger();
        volatile RootRun root;
        volatile boolean cancelled;

        Flight(long number, Map<String, Object> input) {
            this.number = number;
            this.input = input;
        }
    }

    private final Semaphore epochPermits;
    private final Semaphore nodePermits;
    private final LinkedBlockingQueue<Object> commands = new LinkedBlockingQueue<>();
    private final AtomicLong next = new AtomicLong();
    private final Set<Flight> flying = ConcurrentHashMap.newKeySet();
    private Thread driver;
    private Thread pump;
    private volatile boolean stopping;

    ConcurrentRunner(Tube tube, Runners.Options options, NodeHost host) {
        super(tube, options, host);
        epochPermits = new Semaphore(options.maxEpochsInFlight());
        nodePermits = new Semaphore(options.maxPendingNodes());
    }

    @Override
    synchronized void open() {
        super.open();
        if (driver == null) {
            driver = Thread.ofVirtual().name("tube " + graph.spec.id() + " driver").start(this::drive);
        }
    }

    private void drive() {
        try (var scope = Scope.open(ScopeOptions.named("tube " + graph.spec.id()))) {
            while (true) {
                Object c = commands.take();
                if (c == STOP) {
                    break;
                }
                Flight f = (Flight) c;
                scope.fork("epoch " + f.number, () -> {
                    runEpoch(f);
                    return null;
                });
            }
            scope.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void runEpoch(Flight f) {
        try {
            // a cancelled epoch still starts and ends at once: the schedule must see every epoch number go by,
            // or the stateful nodes of later epochs would wait for it for ever
            RootRun root;
            try (var scope = Scope.open(ScopeOptions.named("epoch " + f.number))) {
                root = schedule.start(f.number, f.input, f);
                f.root = root;
                TubeObserver o = options.observer();
                if (o != null) {
                    o.epochStarted(graph.spec.id(), root.epoch, options.maxEpochsInFlight()
                            - epochPermits.availablePermits());
                }
                if (f.cancelled) {
                    schedule.cancel(root, new CancellationException("cancelled by the runner"));
                }
                while (true) {
                    Object item = f.queue.take();
                    if (item == END) {
                        break;
                    }
                    if (item == IDLE) {
                        if (f.running.get() == 0 && f.queue.isEmpty() && schedule.stuck(root)) {
                            // never expected: a hang would hide it, so the epoch fails naming it
                            schedule.cancel(root, new IllegalStateException("epoch " + root.epoch + " has nothing "
                                    + "left to run but did not end (a bug in Weft; please report it with the tube)"));
                        }
                        continue;
                    }
                    Run run = (Run) item;
                    nodePermits.acquire();
                    f.running.incrementAndGet();
                    try {
                        scope.fork(() -> {
                            try {
                                execute(run);
                            } finally {
                                nodePermits.release();
                                // what the run made ready is queued by now, so IDLE comes after it
                                if (f.running.decrementAndGet() == 0) {
                                    f.queue.add(IDLE);
                                }
                            }
                            return null;
                        });
                    } catch (RuntimeException e) {
                        f.running.decrementAndGet();
                        nodePermits.release();
                        throw e;
                    }
                }
                if (root.failed()) {
                    root.cancelled = true;
                    scope.cancel();
                }
                try {
                    scope.join();
                } catch (CancellationException e) {
                    // our own cancellation after the epoch failed
                }
            }
            if (root.failed()) {
                finish(root);
                f.done.completeExceptionally(root.failure);
            } else {
                Result r = collect(root);
                finish(root);
                f.done.complete(r);
            }
        } catch (InterruptedException e) {
            f.done.completeExceptionally(new CancellationException("tube '" + graph.spec.id() + "': epoch "
                    + f.number + " was interrupted (the runner is closing)"));
        } catch (RuntimeException | Error e) {
            f.done.completeExceptionally(e);
        } finally {
            flying.remove(f);
            epochPermits.release();
        }
    }

    @Override
    public void ready(Run run) {
        ((Flight) run.frame.root.attachment).queue.add(run);
    }

    @Override
    public void ended(RootRun root) {
        ((Flight) root.attachment).queue.add(END);
    }

    /**
     * Starts root epoch {@code number} (not necessarily the next one: noob's runners accept epochs out of order) and
     * returns its return value when it ends. Stateful nodes still run it only after the epochs before it.
     */
    CompletableFuture<Object> processAt(long number, Map<String, Object> input) {
        Flight f = submit(input, number);
        return f.done.thenApply(r -> {
            if (r.exhausted()) {
                throw exhaustedError(r);
            }
            return r.value();
        });
    }

    private Flight submit(Map<String, Object> processInput) {
        return submit(processInput, -1);
    }

    /** Starts a root epoch once there is room (blocks while {@code maxEpochsInFlight} are in flight). */
    private Flight submit(Map<String, Object> processInput, long number) {
        open();
        Map<String, Object> input = rootInput(processInput);
        try {
            epochPermits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("tube '" + graph.spec.id() + "': interrupted while waiting for room "
                    + "to start an epoch");
        }
        if (isClosed()) {
            epochPermits.release();
            throw new IllegalStateException("the runner of tube '" + graph.spec.id() + "' is closed");
        }
        Flight f = new Flight(number >= 0 ? number : next.getAndIncrement(), input);
        if (number >= 0) {
            next.accumulateAndGet(number + 1, Math::max);
        }
        flying.add(f);
        commands.add(f);
        return f;
    }

    /**
     * Waits for an epoch's result. Interrupted, the caller stops waiting: the epoch is cancelled, and
     * {@link CancellationException} is thrown with the interrupt status kept.
     */
    private Result await(Flight f) {
        try {
            return unwrap(f);
        } catch (InterruptedException e) {
            f.cancelled = true;
            RootRun r = f.root;
            if (r != null) {
                schedule.cancel(r, new CancellationException("the caller was interrupted"));
            }
            Thread.currentThread().interrupt();
            throw new CancellationException("tube '" + graph.spec.id() + "': interrupted while waiting for epoch "
                    + f.number + ", which is cancelled");
        }
    }

    private static Result unwrap(Flight f) throws InterruptedException {
        try {
            return f.done.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Waits for an epoch that is ending anyway (cancelled, or in a free run), through interrupts. */
    private static Result awaitQuietly(Flight f) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.done.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException re) {
                        throw re;
                    }
                    if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Cancels epochs still in flight and waits for them, keeping the first failure. */
    private void cancelAll(Deque<Flight> pending) {
        for (Flight f : pending) {
            f.cancelled = true;
            RootRun r = f.root;
            if (r != null) {
                schedule.cancel(r, new CancellationException("cancelled by the runner: an earlier epoch ended "
                        + "the call"));
            }
        }
        for (Flight f : pending) {
            try {
                awaitQuietly(f);
            } catch (RuntimeException ignored) {
                // cancelled on purpose
            }
        }
        pending.clear();
    }

    @Override
    public Object process(Map<String, Object> input) {
        Result r = await(submit(input));
        if (r.exhausted()) {
            throw exhaustedError(r);
        }
        return r.value();
    }

    @Override
    public List<Object> run(int n) {
        checkCount(n);
        List<Object> out = new ArrayList<>();
        Deque<Flight> pending = new ArrayDeque<>();
        try {
            for (int i = 0; i < n; i++) {
                while (pending.size() >= options.maxEpochsInFlight()) {
                    if (!take(pending, out)) {
                        cancelAll(pending);
                        return out;
                    }
                }
                pending.add(submit(Map.of()));
            }
            while (!pending.isEmpty()) {
                if (!take(pending, out)) {
                    cancelAll(pending);
                    return out;
                }
            }
            return out;
        } catch (RuntimeException e) {
            cancelAll(pending);
            throw e;
        }
    }

    /** Takes the oldest epoch's value into {@code out}; false when a source ran out there. */
    private boolean take(Deque<Flight> pending, List<Object> out) {
        Result r = await(pending.poll());
        if (r.exhausted()) {
            return false;
        }
        if (r.hasValue()) {
            out.add(r.value());
        }
        return true;
    }

    @Override
    public Iterator<Object> iter(int n) {
        open();
        Deque<Flight> pending = new ArrayDeque<>();
        return new Values(n) {
            @Override
            Result nextEpoch() {
                // never more epochs ahead than values still wanted: iter(n) leaves no extra epochs behind
                int ahead = Math.min(options.maxEpochsInFlight(), remaining());
                while (pending.size() < ahead) {
                    pending.add(submit(Map.of()));
                }
                return await(pending.poll());
            }

            @Override
            void finished() {
                cancelAll(pending);
            }
        };
    }

    @Override
    public synchronized void run() {
        if (pump != null && pump.isAlive()) {
            throw new IllegalStateException("tube '" + graph.spec.id() + "' is already free-running");
        }
        open();
        stopping = false;
        freeFailure.set(null);
        pump = Thread.ofVirtual().name("tube " + graph.spec.id() + " free-run").start(() -> {
            try {
                while (!stopping) {
                    Flight f = submit(Map.of());
                    f.done.whenComplete((r, t) -> {
                        if (t != null) {
                            if (!(t instanceof CancellationException)) {
                                freeFailure.compareAndSet(null, t instanceof RuntimeException re ? re
                                        : new IllegalStateException(t));
                            }
                            stopping = true;
                        } else if (r.exhausted()) {
                            stopping = true;
                        }
                    });
                }
            } catch (IllegalStateException e) {
                // interrupted while waiting for room (stop) or closed
            }
        });
    }

    @Override
    public void stop() {
        stopping = true;
        Thread p;
        synchronized (this) {
            p = pump;
        }
        if (p != null) {
            p.interrupt();
        }
        waitFree(p);
        rethrowFree();
    }

    @Override
    public void join() throws InterruptedException {
        Thread p;
        synchronized (this) {
            p = pump;
        }
        if (p != null) {
            p.join();
        }
        waitFree(null);
        rethrowFree();
    }

    private void waitFree(Thread p) {
        joinQuietly(p);
        for (Flight f : List.copyOf(flying)) {
            try {
                awaitQuietly(f);
            } catch (RuntimeException ignored) {
                // the failure is kept by the free-run's handler
            }
        }
    }

    @Override
    public void close() {
        Thread d;
        Thread p;
        synchronized (this) {
            d = driver;
            p = pump;
            stopping = true;
        }
        if (p != null) {
            p.interrupt();
        }
        Deque<Flight> all = new ArrayDeque<>(flying);
        cancelAll(all);
        closeNodes();
        if (d != null) {
            commands.add(STOP);
            try {
                d.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
