package dev.weft.cuda;

import java.util.Locale;

/**
 * How a CUDA event's Java side learns that the GPU reached it, for {@code await}, {@code finish}, callbacks and
 * futures. Neither blocks a thread in native code while the GPU works (which would pin a virtual thread's carrier
 * for the whole GPU operation); both confirm the final status with {@code cudaEventQuery}, so a failed stream still
 * reads FAILED.
 *
 * <p>The process default is {@link #HOST_FUNCTION}; {@code -Dweft.cuda.completion=polling} changes it, and
 * {@link CudaEvents#create(CudaStream, int, CudaCompletion)} chooses per event. Why host functions by default:
 * the wake-up follows the GPU's completion directly instead of a polling interval, and an idle wait costs no CPU.
 * Polling costs nothing on the stream (no host function occupying CUDA's callback thread) and its latency is bounded
 * by the backoff cap. Both latencies are measured by {@code CudaCompletionLatencyBenchmark}, which needs a GPU.
 *
 * <p>Immutable and thread safe.
 */
public enum CudaCompletion {
    /**
     * {@code record} enqueues a host function ({@code cudaLaunchHostFunc}) right after the event on the same
     * stream; when CUDA runs it, it completes a Java future (it makes no CUDA call, as CUDA requires), and waiters
     * park on that future. If the launch fails, that recording falls back to {@link #POLLING}.
     */
    HOST_FUNCTION,
    /**
     * Waiters call {@code cudaEventQuery} with exponential backoff (sleeping 10 µs, doubling to 1 ms) on their own
     * thread; callbacks get a virtual thread that does the same.
     */
    POLLING;

    /** The system property that sets the process default: {@code host_function} or {@code polling}. */
    public static final String PROPERTY = "weft.cuda.completion";

    /**
     * The process default, read from {@link #PROPERTY} on each call.
     *
     * @throws IllegalArgumentException if the property names neither, quoting it
     */
    public static CudaCompletion processDefault() {
        String v = System.getProperty(PROPERTY);
        if (v == null || v.isBlank()) {
            return HOST_FUNCTION;
        }
        try {
            return valueOf(v.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + v + " is neither host_function nor polling");
        }
    }
}
