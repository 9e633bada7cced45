package dev.weft.cluster;

/** TEMPORARY STUB. */
public final class WireTypes {
    private WireTypes() {
    }

    /** stub */
    public static WireTypes defaults() {
        return new WireTypes();
    }
}
