package dev.weft.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.util.Objects;
import jdk.management.VirtualThreadSchedulerMXBean;

/**
 * Memory and thread gauges for a run, as a Micrometer {@link MeterBinder}:
 * <ul>
 *   <li>{@code weft.jvm.heap.used} (bytes): heap in use, from {@link MemoryMXBean#getHeapMemoryUsage()};</li>
 *   <li>{@code weft.jvm.threads.platform} : live platform threads, from {@link ThreadMXBean#getThreadCount()}
 *       (which counts platform threads only);</li>
 *   <li>{@code weft.jvm.threads.virtual.mounted} and {@code weft.jvm.threads.virtual.queued}: virtual threads
 *       mounted on a carrier and queued to run, from {@code jdk.management.VirtualThreadSchedulerMXBean} (absent
 *       when the JDK has no such bean). The JDK does not count all live virtual threads cheaply (parked ones are
 *       invisible without JFR or a thread dump); for Weft's own, see the {@code weft.task.active} gauge of
 *       {@link Metrics}: every Weft task is one virtual thread;</li>
 *   <li>{@code weft.process.rss} (bytes): resident memory of this process, and {@code weft.process.children.rss}
 *       (bytes): summed over all its live descendant processes, both from {@link ProcessMemory} (absent where
 *       {@code /proc} is not there).</li>
 * </ul>
 * Gauges are read when the registry is scraped; each reading of the children's memory lists the process tree.
 *
 * <p>Thread safety: immutable; binding to several registries is fine.
 */
public final class JvmAndProcessMetrics implements MeterBinder {
    private final Tags tags;

    /** Gauges with no extra tags. */
    public JvmAndProcessMetrics() {
        this(Tags.empty());
    }

    /**
     * Gauges with these tags.
     *
     * @throws NullPointerException if {@code tags} is null
     */
    public JvmAndProcessMetrics(Tags tags) {
        this.tags = Objects.requireNonNull(tags, "tags");
    }

    /** Binds the gauges to {@code metrics}' registry with its tags and this binder's. */
    public static void bindTo(Metrics metrics) {
        new JvmAndProcessMetrics(metrics.tags()).bindTo(metrics.registry());
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Gauge.builder("weft.jvm.heap.used", memory, m -> m.getHeapMemoryUsage().getUsed()).tags(tags)
                .baseUnit("bytes").description("heap memory in use").register(registry);
        Gauge.builder("weft.jvm.threads.platform", threads, ThreadMXBean::getThreadCount).tags(tags)
                .description("live platform threads").register(registry);
        VirtualThreads.bind(registry, tags);
        if (ProcessMemory.isSupported()) {
            ProcessHandle self = ProcessHandle.current();
            Gauge.builder("weft.process.rss", self, p -> ProcessMemory.rssBytes(p.pid()).orElse(0)).tags(tags)
                    .baseUnit("bytes").description("resident memory of this process").register(registry);
            Gauge.builder("weft.process.children.rss", self, ProcessMemory::descendantsRssBytes).tags(tags)
                    .baseUnit("bytes").description("resident memory of all descendant processes, summed")
                    .register(registry);
        }
    }

    /** Kept apart so that a JDK without {@code jdk.management}'s bean only loses these two gauges. */
    private static final class VirtualThreads {
        static void bind(MeterRegistry registry, Tags tags) {
            VirtualThreadSchedulerMXBean bean;
            try {
                bean = ManagementFactory.getPlatformMXBean(VirtualThreadSchedulerMXBean.class);
            } catch (LinkageError | IllegalArgumentException absent) {
                return;
            }
            if (bean == null) {
                return;
            }
            Gauge.builder("weft.jvm.threads.virtual.mounted", bean,
                            VirtualThreadSchedulerMXBean::getMountedVirtualThreadCount)
                    .tags(tags).description("virtual threads mounted on a carrier").register(registry);
            Gauge.builder("weft.jvm.threads.virtual.queued", bean,
                            VirtualThreadSchedulerMXBean::getQueuedVirtualThreadCount)
                    .tags(tags).description("virtual threads queued to run").register(registry);
        }
    }
}
