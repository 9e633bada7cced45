package dev.weft.event;

/**
 * How to create an {@link Event}: caffe2's {@code DeviceOption}, less the device type, which is passed beside it.
 *
 * @param name     a name for messages and {@code toString}, or {@code null} for none
 * @param deviceId which device of its type the event belongs to (a CUDA ordinal); 0 for the only or first one
 */
public record EventOptions(String name, int deviceId) {
    private static final EventOptions DEFAULTS = new EventOptions(null, 0);

    /**
     * Checks the options.
     *
     * @throws IllegalArgumentException if {@code deviceId} is negative or {@code name} is blank
     */
    public EventOptions {
        if (deviceId < 0) {
            throw new IllegalArgumentException("event deviceId must be >= 0, got " + deviceId
                    + (name == null ? "" : " for event '" + name + "'"));
        }
        if (name != null && name.isBlank()) {
            throw new IllegalArgumentException("event name must be non-blank or null");
        }
    }

    /** No name, device 0. */
    public static EventOptions defaults() {
        return DEFAULTS;
    }

    /** Default options with a name. */
    public static EventOptions named(String name) {
        return new EventOptions(name, 0);
    }

    /** These options with another device id. */
    public EventOptions withDeviceId(int id) {
        return new EventOptions(name, id);
    }
}
