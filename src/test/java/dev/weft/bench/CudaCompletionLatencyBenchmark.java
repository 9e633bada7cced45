package dev.weft.bench;

import dev.weft.cuda.Cuda;
import dev.weft.cuda.CudaCompletion;
import dev.weft.cuda.CudaEvents;
import dev.weft.cuda.CudaStream;
import dev.weft.event.Event;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * <b>Needs a GPU</b> (the setup fails with {@link Cuda#unavailableReason()} otherwise). The latency from recording an
 * event on an idle stream (so the GPU reaches it within microseconds) to Java learning of it, for each
 * {@link CudaCompletion}: {@code callback} until an {@code onComplete} callback ran, {@code await} until
 * {@code Event.await()} returned on the benchmark thread. The GPU's own share is the same for both designs, so the
 * difference between the two rows is the difference in notification latency.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview", "--enable-native-access=ALL-UNNAMED"})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class CudaCompletionLatencyBenchmark {
    @Param({"HOST_FUNCTION", "POLLING"})
    public CudaCompletion completion;

    private CudaStream stream;
    private Event event;

    @Setup
    public void setup() {
        if (!Cuda.isAvailable()) {
            throw new IllegalStateException("CudaCompletionLatencyBenchmark needs a GPU: "
                    + Cuda.unavailableReason().orElse("?"));
        }
        stream = CudaStream.create(CudaStream.NON_BLOCKING);
        event = CudaEvents.create(stream, CudaEvents.DISABLE_TIMING, completion);
    }

    @TearDown
    public void tearDown() {
        CudaEvents.close(event);
        stream.close();
    }

    @Benchmark
    public Object callback() throws Exception {
        event.reset();
        CompletableFuture<Event> ran = new CompletableFuture<>();
        event.onComplete(ran::complete);
        event.record();
        return ran.get();
    }

    @Benchmark
    public Object await() throws InterruptedException {
        event.reset();
        event.record();
        event.await();
        return event;
    }
}
