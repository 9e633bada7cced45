package dev.weft.tube;

import dev.weft.tube.Schedule.RootRun;
import dev.weft.tube.Schedule.Run;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link Runners#sync}: one node at a time, in topological order (sub-epochs in epoch order), on the calling
 * thread, one root epoch at a time. Free-run is a loop of {@code process} on one virtual thread.
 */
final class SyncRunner extends RunnerBase {
    private final PriorityQueue<Run> queue = new PriorityQueue<>(Comparator.<Run>comparingInt(
            r -> r.frame.root.schedule.graph.topoIndex[r.node]).thenComparing(Run::epoch));
    private long next;
    private Thread free;
    private volatile boolean stopping;
    /** The thread in processRoot: a sync runner is driven by one thread at a time. */
    private final AtomicReference<Thread> driving = new AtomicReference<>();

    SyncRunner(Tube tube, Runners.Options options) {
        super(tube, options, null);
    }

    /** Runs one root epoch to its end; throws its failure; returns its result (exhausted included). */
    Result processRoot(Map<String, Object> processInput) {
        open();
        Thread me = Thread.currentThread();
        if (!driving.compareAndSet(null, me)) {
            throw new IllegalStateException("tube '" + graph.spec.id() + "': the sync runner is being driven by "
                    + driving.get() + " (free-running, or called from two threads); stop() it first");
        }
        try {
            Map<String, Object> input = rootInput(processInput);
            TubeObserver o = options.observer();
            RootRun root = schedule.start(next++, input, null);
            if (o != null) {
                o.epochStarted(graph.spec.id(), root.epoch, 1);
            }
            Run r;
            while ((r = queue.poll()) != null) {
                execute(r);
                if (root.failed()) {
                    queue.clear();
                }
            }
            if (root.failed()) {
                finish(root);
                throw root.failure;
            }
            if (!root.ended) {
                throw new IllegalStateException("tube '" + graph.spec.id() + "': epoch " + root.epoch
                        + " has nothing left to run but did not end (a bug in Weft; please report it with the tube)");
            }
            Result res = collect(root);
            finish(root);
            return res;
        } finally {
            driving.set(null);
        }
    }

    @Override
    public void ready(Run run) {
        queue.add(run);
    }

    @Override
    public void ended(RootRun root) {
        // processRoot sees root.ended when its queue runs dry
    }

    @Override
    public Object process(Map<String, Object> input) {
        Result r = processRoot(input);
        if (r.exhausted()) {
            throw exhaustedError(r);
        }
        return r.value();
    }

    @Override
    public List<Object> run(int n) {
        checkCount(n);
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Result r = processRoot(Map.of());
            if (r.exhausted()) {
                break;
            }
            if (r.hasValue()) {
                out.add(r.value());
            }
        }
        return out;
    }

    @Override
    public Iterator<Object> iter(int n) {
        open();
        return new Values(n) {
            @Override
            Result nextEpoch() {
                return processRoot(Map.of());
            }
        };
    }

    @Override
    public synchronized void run() {
        if (free != null && free.isAlive()) {
            throw new IllegalStateException("tube '" + graph.spec.id() + "' is already free-running");
        }
        open();
        stopping = false;
        freeFailure.set(null);
        free = Thread.ofVirtual().name("tube " + graph.spec.id() + " free-run").start(() -> {
            try {
                while (!stopping) {
                    if (processRoot(Map.of()).exhausted()) {
                        return;
                    }
                }
            } catch (RuntimeException e) {
                freeFailure.set(e);
            }
        });
    }

    @Override
    public void stop() {
        stopping = true;
        Thread t;
        synchronized (this) {
            t = free;
        }
        joinQuietly(t);
        rethrowFree();
    }

    @Override
    public void join() throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = free;
        }
        if (t != null) {
            t.join();
        }
        rethrowFree();
    }

    @Override
    public void close() {
        stopping = true;
        Thread t;
        synchronized (this) {
            t = free;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeNodes();
    }
}
