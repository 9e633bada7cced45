package dev.weft.adapt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MachineTest {
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path cgroup;

    private void write(String file, String content) throws IOException {
        Files.writeString(cgroup.resolve(file), content);
    }

    @Test
    void readsTheContainersMemoryAndCpuLimits() throws IOException {
        write("memory.max", "536870912\n");
        write("memory.current", "100000000\n");
        write("cpu.max", "150000 100000\n");

        MachineSnapshot s = Machine.ofCgroup(cgroup).snapshot();

        assertThat(s.containerMemoryMax()).hasValue(512 * MIB);
        assertThat(s.containerMemoryCurrent()).hasValue(100_000_000L);
        assertThat(s.containerCpus()).hasValue(1.5);
        assertThat(s.cpus()).isEqualTo(1.5);
        assertThat(s.heapMax()).isEqualTo(Runtime.getRuntime().maxMemory());
        assertThat(s.memoryLimit()).isEqualTo(Math.min(s.heapMax(), 512 * MIB));
        assertThat(s.memoryAvailable())
                .isEqualTo(Math.max(0, Math.min(s.heapMax() - s.heapUsed(), 512 * MIB - 100_000_000L)));
        assertThat(s.toString()).contains("512.0 MiB", "1.50 (container quota)");
    }

    @Test
    void derivedValuesTakeTheTighterBound() {
        Instant now = Instant.now();
        var roomyContainer = new MachineSnapshot(1000, 400, OptionalLong.of(5000), OptionalLong.of(1000),
                OptionalDouble.empty(), 4, now);
        assertThat(roomyContainer.memoryLimit()).isEqualTo(1000);
        assertThat(roomyContainer.memoryAvailable()).isEqualTo(600);
        assertThat(roomyContainer.cpus()).isEqualTo(4.0);

        var tightContainer = new MachineSnapshot(1000, 400, OptionalLong.of(800), OptionalLong.of(700),
                OptionalDouble.of(0.5), 4, now);
        assertThat(tightContainer.memoryLimit()).isEqualTo(800);
        assertThat(tightContainer.memoryAvailable()).isEqualTo(100);
        assertThat(tightContainer.cpus()).isEqualTo(0.5);

        var overfull = new MachineSnapshot(1000, 400, OptionalLong.of(800), OptionalLong.of(900),
                OptionalDouble.empty(), 4, now);
        assertThat(overfull.memoryAvailable()).isZero();

        var maxWithoutCurrent = new MachineSnapshot(1000, 400, OptionalLong.of(100), OptionalLong.empty(),
                OptionalDouble.empty(), 4, now);
        assertThat(maxWithoutCurrent.memoryLimit()).isEqualTo(100);
        assertThat(maxWithoutCurrent.memoryAvailable()).isEqualTo(600);
    }

    @Test
    void maxLiteralsMeanNoLimit() throws IOException {
        write("memory.max", "max\n");
        write("memory.current", "4096\n");
        write("cpu.max", "max 100000\n");

        MachineSnapshot s = Machine.ofCgroup(cgroup).snapshot();

        assertThat(s.containerMemoryMax()).isEmpty();
        assertThat(s.containerMemoryCurrent()).hasValue(4096);
        assertThat(s.containerCpus()).isEmpty();
        assertThat(s.memoryLimit()).isEqualTo(s.heapMax());
        assertThat(s.cpus()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(s.toString()).contains("no limit", "(processors)");
    }

    @Test
    void missingFilesGiveEmptyValues() {
        MachineSnapshot s = Machine.ofCgroup(cgroup.resolve("absent")).snapshot();

        assertThat(s.containerMemoryMax()).isEmpty();
        assertThat(s.containerMemoryCurrent()).isEmpty();
        assertThat(s.containerCpus()).isEmpty();
        assertThat(s.memoryAvailable()).isEqualTo(Math.max(0, s.heapMax() - s.heapUsed()));
        assertThat(s.toString()).contains("no container memory readings");
    }

    @Test
    void aMalformedFileIsAnErrorNamingTheFileAndQuotingIt() throws IOException {
        write("memory.max", "lots\n");
        Machine machine = Machine.ofCgroup(cgroup);

        assertThatThrownBy(machine::snapshot)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(cgroup.resolve("memory.max").toString())
                .hasMessageContaining("'lots'");

        write("memory.max", "max");
        write("memory.current", "-5");
        assertThatThrownBy(machine::snapshot)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(cgroup.resolve("memory.current").toString())
                .hasMessageContaining("'-5'");

        write("memory.current", "0");
        for (String bad : new String[] {"150000", "150000 0", "half 100000", "max max", "1 2 3", ""}) {
            write("cpu.max", bad);
            assertThatThrownBy(machine::snapshot)
                    .as("cpu.max '%s'", bad)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(cgroup.resolve("cpu.max").toString())
                    .hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void eachSnapshotReadsAfresh() throws IOException {
        write("memory.max", "536870912");
        write("cpu.max", "200000 100000");
        Machine machine = Machine.ofCgroup(cgroup);
        MachineSnapshot before = machine.snapshot();

        write("memory.max", "268435456");
        write("cpu.max", "max 100000");
        MachineSnapshot after = machine.snapshot();

        assertThat(before.containerMemoryMax()).hasValue(512 * MIB);
        assertThat(before.containerCpus()).hasValue(2.0);
        assertThat(after.containerMemoryMax()).hasValue(256 * MIB);
        assertThat(after.containerCpus()).isEmpty();
        assertThat(after.at()).isAfterOrEqualTo(before.at());
    }

    @Test
    void currentReadsThisMachineSanely() {
        Machine machine = Machine.current();
        MachineSnapshot s = machine.snapshot();

        assertThat(s.heapMax()).isPositive();
        assertThat(s.heapUsed()).isPositive().isLessThanOrEqualTo(s.heapMax());
        assertThat(s.availableProcessors()).isPositive();
        assertThat(s.cpus()).isPositive();
        assertThat(s.memoryLimit()).isPositive().isLessThanOrEqualTo(s.heapMax());
        assertThat(s.memoryAvailable()).isBetween(0L, s.memoryLimit());
        s.containerMemoryMax().ifPresent(max -> assertThat(max).isPositive());
        s.containerCpus().ifPresent(cpus -> assertThat(cpus).isPositive());
        assertThat(machine.cgroupDir().isPresent() || s.containerMemoryMax().isEmpty()).isTrue();
        assertThat(s.toString()).contains("MiB");
    }

    @Test
    void findsTheCgroupFromProcSelfCgroup() throws IOException {
        Path mount = cgroup;
        Path own = Files.createDirectories(mount.resolve("user.slice/app.scope"));
        Files.writeString(own.resolve("memory.max"), "max");
        String v2 = "0::/user.slice/app.scope\n";
        assertThat(Machine.findCgroup(v2, mount)).hasValue(own);

        // A container without a cgroup namespace: the host's path is not under its mount, its own cgroup is the root.
        Files.writeString(mount.resolve("memory.max"), "1073741824");
        assertThat(Machine.findCgroup("0::/docker/0123abcd\n", mount)).hasValue(mount);

        // cgroup v2 without the memory controller: the cgroup's folder still (its cpu.max may be there).
        Path cpuOnly = Files.createDirectories(mount.resolve("cpu.slice"));
        Files.writeString(cpuOnly.resolve("cgroup.controllers"), "cpu");
        Files.delete(mount.resolve("memory.max"));
        assertThat(Machine.findCgroup("0::/cpu.slice\n", mount)).hasValue(cpuOnly);

        // cgroup v1 (no 0:: line), or a hybrid host whose 0:: path leads to no v2 folder: no cgroup.
        assertThat(Machine.findCgroup("4:memory:/docker/0123abcd\n1:cpu:/\n", mount)).isEmpty();
        assertThat(Machine.findCgroup("4:memory:/x\n0::/\n", mount.resolve("nowhere"))).isEmpty();
    }
}
