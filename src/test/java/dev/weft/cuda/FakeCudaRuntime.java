package dev.weft.cuda;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A CUDA runtime without a GPU, for the event state machine and handle lifecycles. Each stream is a queue of
 * operations (event records, host functions) that run only when a test {@linkplain #drain drains} it, on one
 * "device" thread, in order, as CUDA would: a host function that blocks holds everything behind it, and host
 * functions never run on the test's own thread. Every handle's destroy calls are counted, and any use of a
 * destroyed handle is counted as a violation.
 */
final class FakeCudaRuntime implements CudaRuntime {
    private final AtomicLong next = new AtomicLong(0x1000);
    final Map<Long, AtomicInteger> eventDestroys = new ConcurrentHashMap<>();
    final Map<Long, AtomicInteger> streamDestroys = new ConcurrentHashMap<>();
    final AtomicInteger useAfterDestroy = new AtomicInteger();
    final AtomicInteger eventCreates = new AtomicInteger();
    final AtomicInteger queries = new AtomicInteger();
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    /** Code that the next recordings complete with, per stream (default success). */
    final Map<Long, Integer> failStream = new ConcurrentHashMap<>();
    volatile boolean launchFails;
    private final Map<Long, Integer> eventCode = new ConcurrentHashMap<>();
    private final Map<Long, Deque<Runnable>> queues = new HashMap<>();
    private final ExecutorService device = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fake-cuda-callback-thread");
        t.setDaemon(true);
        return t;
    });
    private final ThreadLocal<Integer> current = ThreadLocal.withInitial(() -> 0);

    @Override
    public int deviceCount() {
        return 2;
    }

    @Override
    public int currentDevice() {
        return current.get();
    }

    @Override
    public void setDevice(int d) {
        calls.add("setDevice(" + d + ")");
        current.set(d);
    }

    @Override
    public long streamCreate(int flags) {
        long s = next.getAndIncrement();
        streamDestroys.put(s, new AtomicInteger());
        calls.add("streamCreate(" + flags + ") on device " + current.get());
        return s;
    }

    @Override
    public void streamDestroy(long stream) {
        streamDestroys.get(stream).incrementAndGet();
    }

    @Override
    public void streamSynchronize(long stream) {
        checkStream(stream);
    }

    private void checkStream(long stream) {
        AtomicInteger d = streamDestroys.get(stream);
        if (d != null && d.get() > 0) {
            useAfterDestroy.incrementAndGet();
        }
    }

    private void checkEvent(long event) {
        AtomicInteger d = eventDestroys.get(event);
        if (d == null || d.get() > 0) {
            useAfterDestroy.incrementAndGet();
        }
    }

    @Override
    public long eventCreate(int flags) {
        long e = next.getAndIncrement();
        eventDestroys.put(e, new AtomicInteger());
        eventCreates.incrementAndGet();
        calls.add("eventCreate(" + flags + ") on device " + current.get());
        return e;
    }

    private synchronized Deque<Runnable> queue(long stream) {
        return queues.computeIfAbsent(stream, s -> new ArrayDeque<>());
    }

    @Override
    public void eventRecord(long event, long stream) {
        checkEvent(event);
        checkStream(stream);
        calls.add("eventRecord(" + event + ", " + stream + ") on device " + current.get());
        eventCode.put(event, NOT_READY_CODE);
        int outcome = failStream.getOrDefault(stream, SUCCESS);
        synchronized (this) {
            queue(stream).add(() -> eventCode.put(event, outcome));
            notifyAll();
        }
    }

    private static final int NOT_READY_CODE = ERROR_NOT_READY;

    @Override
    public int eventQuery(long event) {
        checkEvent(event);
        queries.incrementAndGet();
        return eventCode.getOrDefault(event, SUCCESS); // a never-recorded event reads as done, as in CUDA
    }

    @Override
    public float eventElapsedMs(long start, long end) {
        checkEvent(start);
        checkEvent(end);
        if (eventQuery(start) != SUCCESS || eventQuery(end) != SUCCESS) {
            throw error("cudaEventElapsedTime", ERROR_NOT_READY);
        }
        return 1.5f;
    }

    @Override
    public void eventDestroy(long event) {
        eventDestroys.get(event).incrementAndGet();
    }

    @Override
    public void streamWaitEvent(long stream, long event) {
        checkEvent(event);
        calls.add("streamWaitEvent(" + stream + ", " + event + ")");
    }

    @Override
    public void launchHostFunc(long stream, Runnable hostFunction) {
        if (launchFails) {
            throw error("cudaLaunchHostFunc", 1);
        }
        long id = HostFunctions.register(hostFunction); // the same table the real upcall stub uses
        synchronized (this) {
            queue(stream).add(() -> HostFunctions.run(id));
            notifyAll();
        }
    }

    /** Runs everything queued on {@code stream} so far, and whatever is queued there while it runs, on the device thread. */
    Future<?> drain(long stream) {
        return device.submit(() -> {
            for (;;) {
                Runnable op;
                synchronized (this) {
                    op = queue(stream).poll();
                }
                if (op == null) {
                    return;
                }
                op.run();
            }
        });
    }

    /** {@link #drain} and wait for it. */
    void drainNow(long stream) throws Exception {
        drain(stream).get();
    }

    synchronized int queued(long stream) {
        return queue(stream).size();
    }

    /** Blocks (a test's platform thread) until at least {@code n} operations are queued on {@code stream}. */
    synchronized void awaitQueued(long stream, int n) throws InterruptedException {
        while (queue(stream).size() < n) {
            wait();
        }
    }

    @Override
    public long malloc(long bytes) {
        return next.getAndIncrement();
    }

    @Override
    public void free(long pointer) {
    }

    @Override
    public void memsetAsync(long pointer, int value, long bytes, long stream) {
    }

    @Override
    public void memcpyAsync(long dst, long src, long bytes, int kind, long stream) {
    }

    @Override
    public long[] memInfo() {
        return new long[] {1L << 30, 1L << 30};
    }

    @Override
    public String errorName(int code) {
        return switch (code) {
            case 0 -> "cudaSuccess";
            case 1 -> "cudaErrorInvalidValue";
            case 600 -> "cudaErrorNotReady";
            case 700 -> "cudaErrorIllegalAddress";
            default -> "cudaErrorUnknown";
        };
    }

    @Override
    public String errorString(int code) {
        return switch (code) {
            case 0 -> "no error";
            case 1 -> "invalid argument";
            case 600 -> "device not ready";
            case 700 -> "an illegal memory access was encountered";
            default -> "unknown error";
        };
    }
}
