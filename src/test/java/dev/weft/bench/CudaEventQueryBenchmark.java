package dev.weft.bench;

import static dev.weft.cuda.bindings.cuda_runtime_api_h.C_INT;
import static dev.weft.cuda.bindings.cuda_runtime_api_h.cudaEventCreateWithFlags;
import static dev.weft.cuda.bindings.cuda_runtime_api_h.cudaEventDestroy;
import static dev.weft.cuda.bindings.cuda_runtime_api_h.cudaEventDisableTiming;
import static dev.weft.cuda.bindings.cuda_runtime_api_h.cudaEventQuery;
import static dev.weft.cuda.bindings.cuda_runtime_api_h.cudaEventRecord;
import static dev.weft.cuda.bindings.cuda_runtime_api_h.cudaEventSynchronize;
import static dev.weft.cuda.bindings.cuda_runtime_api_h.cudaEvent_t;
import static dev.weft.cuda.bindings.cuda_runtime_api_h.cudaGetDeviceCount;

import dev.weft.cuda.Cuda;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One {@code cudaEventQuery} round trip through the FFM bindings, to compare with the same loop in C
 * ({@code src/test/c/event_query_loop.c}; build with {@code src/test/c/build.sh}). Setup mirrors the C program: with a
 * GPU it queries a recorded, completed event (cudaSuccess); without one it queries NULL, which returns the driver
 * error at once. Without a GPU this therefore measures the downcall path into libcudart only, not GPU completion.
 *
 * <p>Requires {@code libcudart.so.13}; on a machine without it the setup fails with {@link Cuda#unavailableReason()}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview", "--enable-native-access=ALL-UNNAMED"})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class CudaEventQueryBenchmark {
    MemorySegment event = MemorySegment.NULL;
    private final Arena arena = Arena.ofShared();

    @Setup
    public void setup() {
        if (Cuda.runtimeVersion().isEmpty()) {
            throw new IllegalStateException("needs libcudart.so.13: " + Cuda.unavailableReason().orElse("?"));
        }
        MemorySegment count = arena.allocate(C_INT);
        if (cudaGetDeviceCount(count) == 0 && count.get(C_INT, 0) > 0) {
            MemorySegment out = arena.allocate(cudaEvent_t);
            check(cudaEventCreateWithFlags(out, cudaEventDisableTiming()));
            event = out.get(cudaEvent_t, 0);
            check(cudaEventRecord(event, MemorySegment.NULL));
            check(cudaEventSynchronize(event));
        }
        System.out.println("\ncudaEventQuery(" + (event.address() == 0 ? "NULL" : "completed event") + ") returns "
                + cudaEventQuery(event));
    }

    private static void check(int rc) {
        if (rc != 0) {
            throw new IllegalStateException("CUDA error " + rc);
        }
    }

    @TearDown
    public void tearDown() {
        if (event.address() != 0) {
            cudaEventDestroy(event);
        }
        arena.close();
    }

    /** The jextract-shaped static method: holder class, trace check, invokeExact. */
    @Benchmark
    public int bindingsEventQuery() {
        return cudaEventQuery(event);
    }

    /**
     * For attribution only, not used by Weft: the same symbol through a <em>critical</em> downcall handle, which
     * skips the Java-to-native thread-state transition. Weft cannot use it: a critical call keeps the thread in the
     * Java state, so a {@code cudaEventQuery} that waits on the runtime's internal lock (held, say, by a
     * {@code cudaFree} synchronising the device) would hold up every safepoint, and with it the GC, meanwhile.
     */
    @Benchmark
    public int criticalEventQuery() throws Throwable {
        return (int) Critical.QUERY.invokeExact(event);
    }

    private static final class Critical {
        static final java.lang.invoke.MethodHandle QUERY = java.lang.foreign.Linker.nativeLinker().downcallHandle(
                dev.weft.cuda.bindings.cuda_runtime_api_h.cudaEventQuery$address(),
                dev.weft.cuda.bindings.cuda_runtime_api_h.cudaEventQuery$descriptor(),
                java.lang.foreign.Linker.Option.critical(false));
    }
}
