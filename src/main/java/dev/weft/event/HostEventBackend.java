package dev.weft.event;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * caffe2's CPU event functions (event_cpu.h) for any host-side device: the state machine lives in {@link HostEvent};
 * waiting blocks the calling thread, parking a virtual thread without pinning its carrier.
 */
final class HostEventBackend implements EventBackend<HostEvent> {
    static final HostEventBackend CPU = new HostEventBackend(DeviceType.CPU);

    private final DeviceType device;

    HostEventBackend(DeviceType device) {
        this.device = Objects.requireNonNull(device, "device");
    }

    @Override
    public DeviceType device() {
        return device;
    }

    @Override
    public HostEvent create(EventOptions options) {
        return new HostEvent();
    }

    @Override
    public void record(HostEvent state, Event event, String errorMessage) {
        state.record(event, errorMessage);
    }

    @Override
    public void finish(HostEvent state) throws InterruptedException {
        state.await();
    }

    @Override
    public boolean finish(HostEvent state, Duration timeout) throws InterruptedException {
        // TimeUnit.convert saturates (a Duration of 400 years has no long of nanoseconds); a negative timeout does not wait
        return state.await(Math.max(0, TimeUnit.NANOSECONDS.convert(timeout)));
    }

    @Override
    public EventStatus query(HostEvent state) {
        return state.status();
    }

    @Override
    public String errorMessage(HostEvent state) {
        return state.snapshot() instanceof HostEvent.Done d ? d.message() : null;
    }

    @Override
    public Throwable exception(HostEvent state) {
        return state.snapshot() instanceof HostEvent.Done d ? d.exception() : null;
    }

    @Override
    public Instant exceptionTime(HostEvent state) {
        return state.snapshot() instanceof HostEvent.Done d ? d.exceptionTime() : null;
    }

    @Override
    public void setFinished(HostEvent state, Event event, String errorMessage, Throwable exception) {
        state.setFinished(event, errorMessage, exception, false);
    }

    @Override
    public void reset(HostEvent state, Event event) {
        state.reset(event);
    }

    @Override
    public boolean supportsCallback() {
        return true;
    }

    @Override
    public void setCallback(HostEvent state, Event event, Consumer<? super Event> callback) {
        state.onComplete(event, callback, false);
    }

    /** (d, d), (CPU, d) and (d, CPU): the waiting thread blocks until the event is finished, as caffe2's CPU waits. */
    @Override
    public Map<WaitFunction.Pair, WaitFunction> waitFunctions() {
        WaitFunction block = (waiter, event) -> event.finish();
        if (device.equals(DeviceType.CPU)) {
            return Map.of(new WaitFunction.Pair(device, device), block);
        }
        return Map.of(new WaitFunction.Pair(device, device), block,
                new WaitFunction.Pair(DeviceType.CPU, device), block,
                new WaitFunction.Pair(device, DeviceType.CPU), block);
    }

    @Override
    public String toString() {
        return "host event backend for " + device;
    }
}
