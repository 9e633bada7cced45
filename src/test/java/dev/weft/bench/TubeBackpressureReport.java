package dev.weft.bench;

import dev.weft.tube.Epoch;
import dev.weft.tube.Node;
import dev.weft.tube.NodeRegistry;
import dev.weft.tube.NodeSpec;
import dev.weft.tube.NodeType;
import dev.weft.tube.Runners;
import dev.weft.tube.Tube;
import dev.weft.tube.TubeObserver;
import dev.weft.tube.TubeRunner;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

/**
 * Issue 15's backpressure measurement ({@code ./weft bench tube-backpressure}): a fast source and a slow sink,
 * free-running on the concurrent runner for {@code --epochs} epochs (1,000,000 by default), once per
 * {@code --bounds} value of {@code maxEpochsInFlight}. Every {@code --every} epochs (50,000) it forces a collection
 * and prints the heap then in use, the epochs in flight and the most seen so far: with backpressure the heap stays
 * flat whatever the number of epochs, at a level set by the bound.
 *
 * <p>The source emits a fresh {@code --payload}-byte array per epoch (1 KiB), so epochs piling up would show in the
 * heap; the sink is a stateful node (a writer: epochs in order) that spins {@code --sink-us} microseconds (20) of
 * CPU per value, slower than the source and the runner's own work per epoch. A run also stops after
 * {@code --seconds} (180) and says so.
 */
public final class TubeBackpressureReport {
    private TubeBackpressureReport() {
    }

    /** Sink work: spins on the clock, reading the payload so the work cannot be dropped. */
    static long spin(byte[] payload, long nanos) {
        long end = System.nanoTime() + nanos;
        long h = 0;
        int i = 0;
        while (System.nanoTime() < end) {
            h = 31 * h + payload[i++ & (payload.length - 1)];
        }
        return h;
    }

    /** One sample: after {@code epochs} ended, the heap after a forced collection. */
    record Sample(long epochs, double heapMiB, int inFlight, int maxInFlight, double seconds) {
    }

    /** Runs the measurement with the options above and prints one table per bound. */
    public static void main(String[] args) throws Exception {
        long epochs = 1_000_000;
        long every = 50_000;
        int payload = 1024;
        long sinkMicros = 20;
        long seconds = 180;
        List<Integer> bounds = new ArrayList<>(List.of(16, 4096));
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--epochs" -> epochs = Long.parseLong(v);
                case "--every" -> every = Long.parseLong(v);
                case "--payload" -> payload = Integer.parseInt(v);
                case "--sink-us" -> sinkMicros = Long.parseLong(v);
                case "--seconds" -> seconds = Long.parseLong(v);
                case "--bounds" -> {
                    bounds.clear();
                    for (String b : v.split(",")) {
                        bounds.add(Integer.parseInt(b.strip()));
                    }
                }
                case "--help", "-h" -> {
                    System.out.println("usage: ./weft bench tube-backpressure [--epochs 1000000] [--every 50000] "
                            + "[--bounds 16,4096] [--sink-us 20] [--payload 1024] [--seconds 180]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--help)");
            }
            i++;
        }
        if (Integer.bitCount(payload) != 1) {
            throw new IllegalArgumentException("--payload must be a power of two, not " + payload);
        }
        System.out.printf(Locale.ROOT, "tube backpressure: source -> sink (stateful, %d µs of CPU per value), "
                + "%d-byte payload per epoch, %,d epochs, free-run on the concurrent runner; %d cores, %s, max "
                + "heap %d MiB%n", sinkMicros, payload, epochs, Runtime.getRuntime().availableProcessors(),
                Runtime.version(), Runtime.getRuntime().maxMemory() >> 20);
        for (int bound : bounds) {
            run(bound, epochs, every, payload, TimeUnit.MICROSECONDS.toNanos(sinkMicros), seconds);
        }
    }

    static void run(int bound, long epochs, long every, int payload, long sinkNanos, long seconds)
            throws InterruptedException {
        long sinkN = sinkNanos;
        int size = payload;
        NodeRegistry reg = NodeRegistry.builder()
                .register("bytes", NodeType.source(p -> LongStream.range(0, epochs)
                        .mapToObj(i -> new byte[size]).iterator()))
                .register("slow_sink", NodeType.node(p -> a -> {
                    spin(a.get("value"), sinkN);
                    return Node.NO_EVENT;
                }))
                .build();
        Tube t = Tube.builder("backpressure")
                .withNode("source", NodeSpec.of("bytes"))
                .withNode("sink", NodeSpec.of("slow_sink").withNamedDepends("value", "source.value"))
                .build(reg);
        AtomicLong ended = new AtomicLong();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        LinkedBlockingQueue<Long> marks = new LinkedBlockingQueue<>();
        TubeObserver watch = new TubeObserver() {
            @Override
            public void epochStarted(String tubeId, Epoch epoch, int n) {
                inFlight.set(n);
                maxInFlight.accumulateAndGet(n, Math::max);
            }

            @Override
            public void nodeRan(String tubeId, String nodeId, Epoch epoch, Duration time, boolean failed) {
                // an epoch is done when its sink has run (the epochs after the source ran out have no sink run)
                if (nodeId.equals("sink")) {
                    long e = ended.incrementAndGet();
                    if (e % every == 0) {
                        marks.add(e);
                    }
                }
            }
        };
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        List<Sample> samples = new ArrayList<>();
        System.gc();
        samples.add(new Sample(0, memory.getHeapMemoryUsage().getUsed() / 1048576.0, 0, 0, 0));
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(seconds);
        boolean timedOut = false;
        try (TubeRunner r = Runners.concurrent(t, Runners.Options.defaults().withMaxEpochsInFlight(bound)
                .withObserver(watch))) {
            r.run();
            while (true) {
                Long mark = marks.poll(100, TimeUnit.MILLISECONDS);
                if (mark == null) {
                    if (ended.get() >= epochs) {
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        timedOut = true;
                        r.stop();
                        break;
                    }
                    continue;
                }
                int now = inFlight.get();
                System.gc();
                samples.add(new Sample(ended.get(), memory.getHeapMemoryUsage().getUsed() / 1048576.0, now,
                        maxInFlight.get(), (System.nanoTime() - t0) / 1e9));
                if (mark >= epochs) {
                    break;
                }
            }
            r.join();
        }
        double total = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "%nmaxEpochsInFlight = %d%s%n", bound, timedOut
                ? String.format(Locale.ROOT, " (stopped after %d s at %,d epochs)", seconds, ended.get()) : "");
        System.out.println("| epochs done | heap after GC (MiB) | epochs in flight | most in flight so far | s |");
        System.out.println("|---:|---:|---:|---:|---:|");
        for (Sample s : samples) {
            System.out.printf(Locale.ROOT, "| %,d | %.1f | %d | %d | %.1f |%n", s.epochs(), s.heapMiB(),
                    s.inFlight(), s.maxInFlight(), s.seconds());
        }
        double min = Double.MAX_VALUE;
        double max = 0;
        for (Sample s : samples.subList(Math.min(2, samples.size() - 1), samples.size())) {
            min = Math.min(min, s.heapMiB());
            max = Math.max(max, s.heapMiB());
        }
        System.out.printf(Locale.ROOT, "%,d epochs in %.1f s (%,.0f epochs/s); heap after GC from the second "
                + "sample on: %.1f to %.1f MiB; most epochs in flight: %d%n", ended.get(), total,
                ended.get() / total, min, max, maxInFlight.get());
    }
}
