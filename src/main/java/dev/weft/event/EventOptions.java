package dev.weft.event;

import java.util.Objects;

/**
 * How to create an {@link Event}: caffe2's {@code DeviceOption}, less the device type, which is passed beside it.
 * Start from {@link #defaults()} or {@link #named(String)} and chain {@link #withDeviceId(int)}; there is no public
 * constructor, so options can be added without breaking callers. Immutable and thread safe.
 *
 * <ul>
 *   <li>{@link #name()}: a name for messages and {@code toString}, or {@code null} for none.</li>
 *   <li>{@link #deviceId()}: which device of its type the event belongs to (a CUDA ordinal); 0 for the only or
 *       first one.</li>
 * </ul>
 */
public final class EventOptions {
    private static final EventOptions DEFAULTS = new EventOptions(null, 0);

    private final String name;
    private final int deviceId;

    /** @throws IllegalArgumentException if {@code deviceId} is negative or {@code name} is blank */
    private EventOptions(String name, int deviceId) {
        if (deviceId < 0) {
            throw new IllegalArgumentException("event deviceId must be >= 0, got " + deviceId
                    + (name == null ? "" : " for event '" + name + "'"));
        }
        if (name != null && name.isBlank()) {
            throw new IllegalArgumentException("event name must be non-blank or null");
        }
        this.name = name;
        this.deviceId = deviceId;
    }

    /** No name, device 0. */
    public static EventOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Default options with a name.
     *
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static EventOptions named(String name) {
        return new EventOptions(name, 0);
    }

    /**
     * These options with another device id.
     *
     * @throws IllegalArgumentException if {@code id} is negative, naming the event
     */
    public EventOptions withDeviceId(int id) {
        return new EventOptions(name, id);
    }

    /** These options with another name ({@code null} for none). */
    public EventOptions withName(String name) {
        return new EventOptions(name, deviceId);
    }

    /** The event's name, or {@code null}. */
    public String name() {
        return name;
    }

    /** The device of its type the event belongs to. */
    public int deviceId() {
        return deviceId;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventOptions other && Objects.equals(name, other.name) && deviceId == other.deviceId;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, deviceId);
    }

    @Override
    public String toString() {
        return "EventOptions[name=" + name + ", deviceId=" + deviceId + "]";
    }
}
