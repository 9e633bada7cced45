package dev.weft.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** ProcessMemory's parsing and its readings of this process and a child, and the JVM/process gauges. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsProcessMemoryTest {

    @Test
    void parsesVmRss() {
        String status = "Name:\tjava\nVmPeak:\t  999 kB\nVmRSS:\t   2048 kB\nThreads:\t3\n";
        assertThat(ProcessMemory.parseVmRss(status)).hasValue(2048L * 1024);
        assertThat(ProcessMemory.parseVmRss("Name:\tzombie\n")).isEmpty();
        assertThat(ProcessMemory.parseVmRss("VmRSS:\tlots kB\n")).isEmpty();
    }

    @Test
    void readsThisProcessAndSumsAChild() throws Exception {
        assumeTrue(ProcessMemory.isSupported(), "no /proc on this system");
        long self = ProcessMemory.rssBytes(ProcessHandle.current().pid()).orElseThrow();
        // the high-water mark is never below what is resident now
        assertThat(ProcessMemory.peakRssBytes(ProcessHandle.current().pid()).orElseThrow()).isGreaterThanOrEqualTo(self);
        assertThat(self).isGreaterThan(1024 * 1024);
        assertThat(ProcessMemory.rssBytes(Long.MAX_VALUE)).isEmpty(); // no such process
        Process child = new ProcessBuilder("sleep", "30").start(); // a child that lives until destroyed below
        try {
            long childRss = 0;
            while (childRss == 0) { // until exec has happened and /proc has the line
                childRss = ProcessMemory.rssBytes(child.pid()).orElse(0);
                Thread.onSpinWait();
            }
            assertThat(ProcessMemory.totalRssBytes(List.of(child.toHandle()))).isPositive();
            assertThat(ProcessMemory.descendantsRssBytes(ProcessHandle.current())).isPositive();
            assertThat(ProcessMemory.treeRssBytes(ProcessHandle.current()))
                    .isGreaterThan(ProcessMemory.descendantsRssBytes(ProcessHandle.current()));
        } finally {
            child.destroyForcibly().waitFor();
        }
        assertThat(ProcessMemory.totalRssBytes(List.of(child.toHandle()))).isZero(); // ended: counted as 0
    }

    @Test
    void jvmAndProcessGaugesAreBound() {
        Metrics metrics = Metrics.simple().withTags("run", "m");
        JvmAndProcessMetrics.bindTo(metrics);
        MeterRegistry r = metrics.registry();
        assertThat(r.get("weft.jvm.heap.used").tags("run", "m").gauge().value()).isPositive();
        assertThat(r.get("weft.jvm.threads.platform").gauge().value()).isGreaterThanOrEqualTo(1);
        assertThat(r.get("weft.jvm.threads.virtual.mounted").gauge().value()).isGreaterThanOrEqualTo(0);
        if (ProcessMemory.isSupported()) {
            assertThat(r.get("weft.process.rss").gauge().value()).isPositive();
            assertThat(r.get("weft.process.children.rss").gauge().value()).isGreaterThanOrEqualTo(0);
        }
    }
}
