package dev.weft.event;

import java.util.Objects;

/**
 * A kind of device whose work an {@link Event} marks: {@link #CPU}, {@link #CUDA}, or any other name a backend is
 * registered for in an {@link EventRegistry} (caffe2's IDEEP or MKLDNN, a test device, a remote machine).
 *
 * <p>Two device types are equal when their names are equal. Instances are immutable and thread safe.
 *
 * @param name the device's name: non-blank, no whitespace, for example {@code CPU}
 */
public record DeviceType(String name) {
    /** Host code: work done by Java threads. Its backend is always registered. */
    public static final DeviceType CPU = new DeviceType("CPU");
    /** NVIDIA GPUs through the CUDA runtime; its backend comes with Weft's CUDA support. */
    public static final DeviceType CUDA = new DeviceType("CUDA");

    /**
     * Checks the name.
     *
     * @throws NullPointerException     if {@code name} is null
     * @throws IllegalArgumentException if it is blank or contains whitespace
     */
    public DeviceType {
        Objects.requireNonNull(name, "device type name");
        if (name.isBlank() || name.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("device type name must be non-blank without whitespace, got '"
                    + name + "'");
        }
    }

    /** The device type called {@code name}; same as the constructor. */
    public static DeviceType of(String name) {
        return new DeviceType(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
