package dev.weft.cuda;

import dev.weft.event.Event;
import dev.weft.event.EventStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-event state of the CUDA backend: caffe2's {@code CudaEventWrapper} (native event, the stream it was
 * recorded on, device, status, message) plus Weft's completion signal and callbacks.
 *
 * <h2>Locking</h2>
 * One {@link ReentrantLock} guards the transitions and every native call on the handle, so {@link #close()} can
 * never destroy the event under a concurrent {@code cudaEventQuery}. No thread holds it while waiting for the GPU
 * (waiters park on the completion future, or sleep between polls), and callbacks run after it is released.
 * {@link #status} is volatile so that {@link #query()} on a finished event takes no lock.
 *
 * <p>Public only because it is the type argument of the public {@link CudaEventBackend} (an
 * {@code EventBackend<CudaEventState>}): an opaque handle with no public constructor or method, so clients of the
 * module can name it but never touch it.
 */
public final class CudaEventState {
    private static final Logger LOG = LoggerFactory.getLogger(CudaEventState.class);
    private static final AtomicLong SEQ = new AtomicLong();
    /** Callback watchers: one virtual thread per event generation that has callbacks, only while it waits. */
    private static final Executor VIRTUAL = r -> Thread.ofVirtual().name("weft-cuda-event-watch").start(r);
    static final long FIRST_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(10);
    static final long MAX_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Orders the locks of two events (elapsed time) so that two threads never take them in opposite orders. */
    final long seq = SEQ.incrementAndGet();
    final CudaRuntime rt;
    final int deviceId;
    final int flags;
    final CudaStream stream;
    final CudaCompletion completion;
    final String name;
    final NativeHandle handle;

    final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    private volatile EventStatus status = EventStatus.INITIALIZED;
    private String error;
    private Throwable exception;
    private Instant exceptionTime;
    /** The stream of the current recording, or null. */
    private CudaStream recordedOn;
    /** Counts recordings and resets, so a late signal of an older recording is ignored. */
    private long generation;
    /** Completed by the host function of the current recording; null when polling. */
    private CompletableFuture<Void> reached;
    private boolean watching;
    private boolean closed;
    private final List<Consumer<? super Event>> callbacks = new ArrayList<>();
    /** The Event around this state, for callbacks; set by every call that passes it. */
    private volatile Event owner;

    CudaEventState(CudaRuntime rt, int deviceId, int flags, CudaStream stream, CudaCompletion completion,
                   String name) {
        this.rt = rt;
        this.deviceId = deviceId;
        this.flags = flags;
        this.stream = stream;
        this.completion = completion;
        this.name = name;
        long address = DeviceGuard.on(rt, deviceId, () -> rt.eventCreate(flags));
        this.handle = new NativeHandle(this, "CUDA event", address, rt::eventDestroy);
    }

    String describe() {
        return name != null ? "'" + name + "'" : "CUDA:" + deviceId + "@0x" + Long.toHexString(handle.address());
    }

    // ---- transitions ----

    void record(Event event, String errorMessage, CudaStream on) {
        List<Consumer<? super Event>> run = null;
        lock.lock();
        try {
            owner = event;
            requireOpen("record");
            if (status != EventStatus.INITIALIZED) {
                throw new IllegalStateException("record on CUDA event " + describe() + ", which is " + status
                        + ": a CUDA event is recorded once, from INITIALIZED (reset it first)");
            }
            if (errorMessage != null) {
                error = errorMessage;
                status = EventStatus.FAILED;
                run = takeCallbacks();
                return;
            }
            CudaStream s = on != null ? on : stream;
            if (s.deviceId() != deviceId) {
                throw new IllegalArgumentException("CUDA event " + describe() + " belongs to device " + deviceId
                        + " but was recorded on " + s + "; record it on a stream of device " + deviceId);
            }
            long streamAddress = s.address();
            DeviceGuard.run(rt, deviceId, () -> rt.eventRecord(handle.address(), streamAddress));
            generation++;
            recordedOn = s;
            reached = null;
            watching = false;
            status = EventStatus.SCHEDULED;
            if (completion == CudaCompletion.HOST_FUNCTION) {
                CompletableFuture<Void> signal = new CompletableFuture<>();
                try {
                    // Runs on CUDA's callback thread: completing a future is all it does, no CUDA call.
                    rt.launchHostFunc(streamAddress, () -> signal.complete(null));
                    reached = signal;
                } catch (CudaException e) {
                    LOG.debug("CUDA event {}: {}; this recording is polled instead", describe(), e.getMessage());
                }
            }
            if (!callbacks.isEmpty()) {
                startWatcher();
            }
        } finally {
            changed.signalAll();
            lock.unlock();
            runCallbacks(run);
        }
    }

    void setFinished(Event event, String errorMessage, Throwable failure) {
        List<Consumer<? super Event>> run;
        lock.lock();
        try {
            owner = event;
            requireOpen("setFinished");
            if (status != EventStatus.INITIALIZED) {
                throw new IllegalStateException("setFinished on CUDA event " + describe() + ", which is " + status
                        + ": a CUDA event is finished either by the GPU work it recorded or by setFinished before "
                        + "any record, never both");
            }
            if (errorMessage == null && failure == null) {
                status = EventStatus.SUCCESS;
            } else {
                error = errorMessage != null ? errorMessage : failure.toString();
                exception = failure;
                exceptionTime = failure != null ? Instant.now() : null;
                status = EventStatus.FAILED;
            }
            run = takeCallbacks();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        runCallbacks(run);
    }

    void reset(Event event) {
        query(); // the GPU may be done already: then this is a reset of a finished event
        lock.lock();
        try {
            owner = event;
            requireOpen("reset");
            if (status == EventStatus.SCHEDULED) {
                throw new IllegalStateException("reset on CUDA event " + describe() + " while its GPU work is "
                        + "pending (SCHEDULED): await it first");
            }
            status = EventStatus.INITIALIZED;
            error = null;
            exception = null;
            exceptionTime = null;
            recordedOn = null;
            reached = null;
            watching = false;
            generation++;
            callbacks.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Releases the native event (once). A pending event becomes FAILED, so that no waiter hangs on an event that can
     * no longer complete; a finished one keeps its status.
     */
    void close() {
        List<Consumer<? super Event>> run = null;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (!status.isTerminal()) {
                error = "CUDA event " + describe() + " was closed while " + status;
                status = EventStatus.FAILED;
                run = takeCallbacks();
            }
            changed.signalAll();
            handle.release();
        } finally {
            lock.unlock();
            runCallbacks(run);
        }
    }

    boolean isClosed() {
        return closed || handle.isReleased();
    }

    private void requireOpen(String what) {
        if (closed) {
            throw new IllegalStateException(what + " on CUDA event " + describe() + ", which is closed");
        }
    }

    // ---- reading ----

    /** The status, asking the GPU ({@code cudaEventQuery}) while SCHEDULED; caffe2's EventQueryCUDA. */
    EventStatus query() {
        EventStatus s = status;
        if (s != EventStatus.SCHEDULED) {
            return s;
        }
        List<Consumer<? super Event>> run = null;
        lock.lock();
        try {
            if (status == EventStatus.SCHEDULED) {
                int rc = rt.eventQuery(handle.address());
                if (rc == CudaRuntime.SUCCESS) {
                    status = EventStatus.SUCCESS;
                    run = takeCallbacks();
                    changed.signalAll();
                } else if (rc != CudaRuntime.ERROR_NOT_READY) {
                    error = "CUDA event " + describe() + ": " + CudaException.message("cudaEventQuery", rc,
                            rt.errorName(rc), rt.errorString(rc));
                    status = EventStatus.FAILED;
                    run = takeCallbacks();
                    changed.signalAll();
                }
                // cudaErrorNotReady: still running. caffe2 then called cudaGetLastError to clear it; Weft never
                // reads the last-error state (every call's own return code is checked), so it does not bind that.
            }
            s = status;
        } finally {
            lock.unlock();
        }
        runCallbacks(run);
        return s;
    }

    String errorMessage() {
        return status == EventStatus.FAILED ? error : null;
    }

    Throwable exception() {
        return status == EventStatus.FAILED ? exception : null;
    }

    Instant exceptionTime() {
        return status == EventStatus.FAILED ? exceptionTime : null;
    }

    /** The stream a waiter event stands for: where it was recorded, else where it will be. */
    CudaStream waitStream() {
        lock.lock();
        try {
            return recordedOn != null ? recordedOn : stream;
        } finally {
            lock.unlock();
        }
    }

    CudaStream recordedOn() {
        lock.lock();
        try {
            return recordedOn;
        } finally {
            lock.unlock();
        }
    }

    // ---- waiting ----

    /**
     * Blocks until terminal (caffe2's EventFinishCUDA): first until recorded, then until the GPU is done.
     *
     * @param timeout null for no limit
     * @return whether terminal
     */
    boolean await(Duration timeout) throws InterruptedException {
        // Saturating conversion; a deadline past Long.MAX_VALUE wraps, which deadline - nanoTime() tolerates.
        long deadline = timeout == null ? 0 : System.nanoTime() + Math.max(0, TimeUnit.NANOSECONDS.convert(timeout));
        long g;
        CompletableFuture<Void> signal;
        lock.lockInterruptibly();
        try {
            while (status == EventStatus.INITIALIZED) {
                if (timeout == null) {
                    changed.await();
                } else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    changed.awaitNanos(left);
                }
            }
            if (status.isTerminal()) {
                return true;
            }
            g = generation;
            signal = reached;
        } finally {
            lock.unlock();
        }
        if (signal != null) {
            try {
                if (timeout == null) {
                    signal.get();
                } else {
                    signal.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                }
            } catch (TimeoutException notYet) {
                return query().isTerminal();
            } catch (ExecutionException impossible) {
                throw new AssertionError(impossible);
            }
        }
        // Polling, or confirming what the host function said: cudaEventQuery gives SUCCESS or the stream's error.
        long pause = FIRST_POLL_NANOS;
        for (;;) {
            EventStatus s = query();
            if (s.isTerminal() || generationNow() != g) {
                return true; // the recording waited for finished (and the event may have been reset since)
            }
            long sleep = pause;
            if (timeout != null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                sleep = Math.min(sleep, left);
            }
            Thread.sleep(Duration.ofNanos(sleep));
            pause = Math.min(pause * 2, MAX_POLL_NANOS);
        }
    }

    private long generationNow() {
        lock.lock();
        try {
            return generation;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Blocks while INITIALIZED (caffe2's Wait: a wait on an unrecorded event waits for the record), then, if
     * SCHEDULED on another stream than {@code waiter}, makes {@code waiter} wait for it on the GPU.
     */
    void makeStreamWait(CudaStream waiter) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (status == EventStatus.INITIALIZED) {
                changed.await();
            }
            if (status == EventStatus.SCHEDULED && recordedOn.address() != waiter.address()) {
                long streamAddress = waiter.address();
                DeviceGuard.run(rt, waiter.deviceId(), () -> rt.streamWaitEvent(streamAddress, handle.address()));
            }
        } finally {
            lock.unlock();
        }
    }

    // ---- callbacks ----

    void setCallback(Event event, Consumer<? super Event> callback) {
        owner = event;
        query();
        boolean runNow;
        lock.lock();
        try {
            runNow = status.isTerminal();
            if (!runNow) {
                callbacks.add(callback);
                if (status == EventStatus.SCHEDULED && !watching) {
                    startWatcher();
                }
            }
        } finally {
            lock.unlock();
        }
        if (runNow) {
            runCallbacks(List.of(callback));
        }
    }

    /** Under the lock, SCHEDULED: one virtual thread finds out when the GPU is done, through the same mechanism. */
    private void startWatcher() {
        watching = true;
        Runnable settle = () -> {
            try {
                await(null);
            } catch (InterruptedException e) {
                LOG.warn("CUDA event {}: watcher interrupted; callbacks run on the next query", describe());
            }
        };
        if (reached != null) {
            reached.thenRunAsync(settle, VIRTUAL);
        } else {
            VIRTUAL.execute(settle);
        }
    }

    private List<Consumer<? super Event>> takeCallbacks() {
        if (callbacks.isEmpty()) {
            return null;
        }
        List<Consumer<? super Event>> run = List.copyOf(callbacks);
        callbacks.clear();
        return run;
    }

    private void runCallbacks(List<Consumer<? super Event>> run) {
        if (run == null) {
            return;
        }
        Event e = owner;
        for (Consumer<? super Event> c : run) {
            try {
                c.accept(e);
            } catch (Throwable t) {
                LOG.warn("callback of CUDA event {} threw", describe(), t);
            }
        }
    }

    @Override
    public String toString() {
        return "CudaEventState[" + describe() + ", " + status + "]";
    }
}
