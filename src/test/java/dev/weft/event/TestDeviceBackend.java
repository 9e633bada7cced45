package dev.weft.event;

/** A third device type found by {@link java.util.ServiceLoader}: host semantics under the name TEST. */
public final class TestDeviceBackend extends DelegatingBackend {
    static final DeviceType DEVICE = DeviceType.of("TEST");

    /** The public no-argument constructor ServiceLoader needs. */
    public TestDeviceBackend() {
        super(EventBackend.host(DEVICE));
    }
}
