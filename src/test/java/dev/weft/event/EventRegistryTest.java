package dev.weft.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The function tables: registration, lookup errors, the wait matrix, ServiceLoader, and a third device type. */
class EventRegistryTest {

    @Test
    void newRegistryHasCpuOnly() {
        EventRegistry r = new EventRegistry();
        assertThat(r.devices()).containsExactly(DeviceType.CPU);
        assertThat(r.supports(DeviceType.CUDA)).isFalse();
        Event e = r.create(DeviceType.CPU, EventOptions.named("x"));
        assertThat(e.device()).isEqualTo(DeviceType.CPU);
        assertThat(e.supportsCallback()).isTrue();
    }

    @Test
    void missingBackendNamesTheDevice() {
        EventRegistry r = new EventRegistry();
        assertThatThrownBy(() -> r.create(DeviceType.CUDA, EventOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no event backend registered for device CUDA; registered devices: [CPU]");
    }

    @Test
    void registeringADeviceTwiceIsAnError() {
        EventRegistry r = new EventRegistry();
        assertThatThrownBy(() -> r.register(EventBackend.host(DeviceType.CPU)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("device CPU already has an event backend");
        r.register(EventBackend.host(DeviceType.of("IDEEP")));
        assertThatThrownBy(() -> r.register(EventBackend.host(DeviceType.of("IDEEP"))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("device IDEEP already");
        assertThatThrownBy(() -> r.registerWait(DeviceType.CPU, DeviceType.CPU, (w, e) -> { }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("a wait function for waiter CPU on events of CPU is registered already");
    }

    @Test
    void failedRegistrationLeavesNothingBehind() {
        EventRegistry r = new EventRegistry();
        DeviceType npu = DeviceType.of("NPU");
        r.registerWait(DeviceType.CPU, npu, (w, e) -> { });
        // host(NPU) brings (CPU, NPU) too, which is taken: neither the backend nor its other waits are registered
        assertThatThrownBy(() -> r.register(EventBackend.host(npu))).isInstanceOf(IllegalStateException.class);
        assertThat(r.supports(npu)).isFalse();
        assertThatThrownBy(() -> r.waitFunction(npu, npu)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void thirdDeviceWithHostSemanticsAndCrossDeviceWaits() throws Exception {
        EventRegistry r = new EventRegistry();
        DeviceType ideep = DeviceType.of("IDEEP");
        r.register(EventBackend.host(ideep));
        Event onIdeep = r.create(ideep, EventOptions.named("conv"));
        onIdeep.record(ideep);
        onIdeep.setFinished();
        Event onCpu = r.create(DeviceType.CPU, EventOptions.defaults());
        onCpu.waitOn(onIdeep);          // (CPU, IDEEP)
        onIdeep.reset();
        onIdeep.setFinished();
        r.create(ideep, EventOptions.defaults()).waitOn(onIdeep); // (IDEEP, IDEEP)
        Event cpuDone = r.create(DeviceType.CPU, EventOptions.defaults());
        cpuDone.setFinished();
        onIdeep.waitOn(cpuDone);        // (IDEEP, CPU)
        Event.wait(ideep, cpuDone);
    }

    @Test
    void missingWaitPairNamesBothDevices() {
        EventRegistry r = new EventRegistry();
        DeviceType fpga = DeviceType.of("FPGA");
        r.register(new RecordingBackend(fpga)); // no wait functions of its own
        Event cpu = r.create(DeviceType.CPU, EventOptions.defaults());
        Event onFpga = r.create(fpga, EventOptions.defaults());
        assertThatThrownBy(() -> cpu.waitOn(onFpga)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageStartingWith("no wait function for waiter device CPU on an event of device FPGA");
        assertThatThrownBy(() -> Event.wait(fpga, cpu)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageStartingWith("no wait function for waiter device FPGA on an event of device CPU");
    }

    @Test
    void eventsDelegateToTheirBackendsFunctionTable() throws Exception {
        EventRegistry r = new EventRegistry();
        DeviceType fpga = DeviceType.of("FPGA");
        RecordingBackend backend = new RecordingBackend(fpga);
        r.register(backend);
        List<String> waited = new ArrayList<>();
        r.registerWait(fpga, fpga, (w, e) -> waited.add(w.options().name() + " waits " + e.options().name()));
        Event a = r.create(fpga, EventOptions.named("a").withDeviceId(2));
        Event b = r.create(fpga, EventOptions.named("b"));
        a.record();
        a.setFinished("err");
        a.reset();
        a.query();
        a.errorMessage();
        a.waitOn(b);
        a.finish();
        assertThat(backend.calls).containsExactly("create a@2", "create b@0", "record a null", "setFinished a err",
                "reset a", "query", "errorMessage", "finish", "query");
        assertThat(waited).containsExactly("a waits b");
        assertThat(a.supportsCallback()).isFalse();
        assertThatThrownBy(() -> a.onComplete(e -> { })).isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("events of device FPGA do not support callbacks");
    }

    @Test
    void devicesWithoutCallbacksStillCompleteFuturesAndCombinators() throws Exception {
        EventRegistry r = new EventRegistry();
        DeviceType fpga = DeviceType.of("FPGA");
        RecordingBackend backend = new RecordingBackend(fpga, 1);
        r.register(backend);
        Event e = r.create(fpga, EventOptions.named("k"));
        var f = e.toCompletableFuture();   // watched by a virtual thread blocked in finish()
        Event cpuDone = Event.cpu();
        cpuDone.setFinished();
        Event all = Events.allOf(e, cpuDone);
        backend.finished.countDown();      // the device finishes
        assertThat(f.get(10, java.util.concurrent.TimeUnit.SECONDS)).isSameAs(e);
        assertThat(all.await(java.time.Duration.ofSeconds(10))).isTrue();
        assertThat(all.query()).isEqualTo(EventStatus.SUCCESS);
    }

    @Test
    void serviceLoaderFindsBackendsAndRefusesDuplicates() {
        // src/test/resources/META-INF/services/dev.weft.event.EventBackend lists TestDeviceBackend (device TEST);
        // src/main/resources lists dev.weft.cuda.CudaEventBackend (device CUDA), registered even without a GPU
        EventRegistry r = new EventRegistry();
        assertThat(r.registerServices(getClass().getClassLoader()))
                .containsExactlyInAnyOrder(DeviceType.CUDA, TestDeviceBackend.DEVICE);
        assertThat(r.devices()).containsExactly(DeviceType.CPU, DeviceType.CUDA, TestDeviceBackend.DEVICE);
        assertThatThrownBy(() -> r.registerServices(getClass().getClassLoader()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already has");
        // the standard registry loaded it too
        assertThat(EventRegistry.standard().supports(TestDeviceBackend.DEVICE)).isTrue();
        Event e = Event.create(TestDeviceBackend.DEVICE);
        e.record();
        e.setFinished();
        assertThat(e.isFinished()).isTrue();
    }

    /** A backend that writes down each call: caffe2's function table, seen from the outside. */
    static final class RecordingBackend implements EventBackend<String> {
        final DeviceType device;
        final List<String> calls = new ArrayList<>();
        /** The device work: finish() blocks until it is counted down. */
        final java.util.concurrent.CountDownLatch finished;

        RecordingBackend(DeviceType device) {
            this(device, 0);
        }

        RecordingBackend(DeviceType device, int pendingWork) {
            this.device = device;
            this.finished = new java.util.concurrent.CountDownLatch(pendingWork);
        }

        @Override
        public DeviceType device() {
            return device;
        }

        @Override
        public String create(EventOptions options) {
            calls.add("create " + options.name() + "@" + options.deviceId());
            return String.valueOf(options.name());
        }

        @Override
        public void record(String s, Event e, String error) {
            calls.add("record " + s + " " + error);
        }

        @Override
        public void finish(String s) throws InterruptedException {
            calls.add("finish");
            finished.await();
        }

        @Override
        public boolean finish(String s, java.time.Duration timeout) {
            return true;
        }

        @Override
        public EventStatus query(String s) {
            calls.add("query");
            return finished.getCount() == 0 ? EventStatus.SUCCESS : EventStatus.SCHEDULED;
        }

        @Override
        public String errorMessage(String s) {
            calls.add("errorMessage");
            return null;
        }

        @Override
        public void setFinished(String s, Event e, String error, Throwable t) {
            calls.add("setFinished " + s + " " + error);
        }

        @Override
        public void reset(String s, Event e) {
            calls.add("reset " + s);
        }

        @Override
        public Map<WaitFunction.Pair, WaitFunction> waitFunctions() {
            return Map.of();
        }

        @Override
        public String toString() {
            return "recording backend " + device;
        }
    }
}
