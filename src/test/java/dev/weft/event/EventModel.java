package dev.weft.event;

/**
 * A sequential model of a CPU event: caffe2's state machine as Weft states it in {@link Event}'s javadoc, with no
 * concurrency. Used as Lincheck's sequential specification and as the oracle of the QuickTheories sequence property.
 * Its operations throw the same exception types as {@link Event}'s in the same states.
 */
public final class EventModel {
    EventStatus status = EventStatus.INITIALIZED;
    String message;
    boolean hasException;
    /** Callbacks registered and not yet run (cleared by reset), and callbacks run so far. */
    int pending;
    int fired;

    /** Lincheck instantiates the model reflectively, so it needs a public constructor. */
    public EventModel() {
    }

    public void record() {
        if (status == EventStatus.SCHEDULED) {
            throw new IllegalStateException("record called twice");
        }
        if (status == EventStatus.INITIALIZED) {
            status = EventStatus.SCHEDULED;
        }
    }

    public void recordError() {
        if (status == EventStatus.SCHEDULED) {
            throw new IllegalStateException("record called twice");
        }
        if (status == EventStatus.INITIALIZED) {
            finish(EventStatus.FAILED, "r", false);
        }
    }

    public void setFinished() {
        finishOrCheck(EventStatus.SUCCESS, null, false);
    }

    public void setFinishedError1() {
        finishOrCheck(EventStatus.FAILED, "e1", false);
    }

    public void setFinishedError2() {
        finishOrCheck(EventStatus.FAILED, "e2", false);
    }

    /** setFinished(new IllegalStateException("x")): message {@code java.lang.IllegalStateException: x}. */
    public void setFinishedException() {
        finishOrCheck(EventStatus.FAILED, new IllegalStateException("x").toString(), true);
    }

    private void finishOrCheck(EventStatus to, String msg, boolean exception) {
        switch (status) {
            case INITIALIZED, SCHEDULED -> finish(to, msg, exception);
            case SUCCESS -> throw new IllegalStateException("setFinished called on a SUCCEEDED event");
            case FAILED -> hasException |= exception; // ignored with a warning, but the first exception is kept
        }
    }

    private void finish(EventStatus to, String msg, boolean exception) {
        status = to;
        message = msg;
        hasException = exception;
        fired += pending;
        pending = 0;
    }

    public void reset() {
        if (status == EventStatus.SCHEDULED) {
            throw new IllegalStateException("reset while SCHEDULED");
        }
        status = EventStatus.INITIALIZED;
        message = null;
        hasException = false;
        pending = 0;
    }

    public void onComplete() {
        if (status.isTerminal()) {
            fired++;
        } else {
            pending++;
        }
    }

    public EventStatus query() {
        return status;
    }

    public String errorMessage() {
        return status == EventStatus.FAILED ? message : null;
    }

    public boolean hasException() {
        return status == EventStatus.FAILED && hasException;
    }
}
