package dev.weft.event;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;

/** Forwards every call to another backend: lets a test register host semantics under its own class. */
class DelegatingBackend implements EventBackend<Object> {
    private final EventBackend<Object> delegate;

    @SuppressWarnings("unchecked")
    DelegatingBackend(EventBackend<?> delegate) {
        this.delegate = (EventBackend<Object>) delegate;
    }

    @Override
    public DeviceType device() {
        return delegate.device();
    }

    @Override
    public Object create(EventOptions options) {
        return delegate.create(options);
    }

    @Override
    public void record(Object state, Event event, String errorMessage) {
        delegate.record(state, event, errorMessage);
    }

    @Override
    public void finish(Object state) throws InterruptedException {
        delegate.finish(state);
    }

    @Override
    public boolean finish(Object state, Duration timeout) throws InterruptedException {
        return delegate.finish(state, timeout);
    }

    @Override
    public EventStatus query(Object state) {
        return delegate.query(state);
    }

    @Override
    public String errorMessage(Object state) {
        return delegate.errorMessage(state);
    }

    @Override
    public Throwable exception(Object state) {
        return delegate.exception(state);
    }

    @Override
    public Instant exceptionTime(Object state) {
        return delegate.exceptionTime(state);
    }

    @Override
    public void setFinished(Object state, Event event, String errorMessage, Throwable exception) {
        delegate.setFinished(state, event, errorMessage, exception);
    }

    @Override
    public void reset(Object state, Event event) {
        delegate.reset(state, event);
    }

    @Override
    public boolean supportsCallback() {
        return delegate.supportsCallback();
    }

    @Override
    public void setCallback(Object state, Event event, Consumer<? super Event> callback) {
        delegate.setCallback(state, event, callback);
    }

    @Override
    public Map<WaitFunction.Pair, WaitFunction> waitFunctions() {
        return delegate.waitFunctions();
    }
}
