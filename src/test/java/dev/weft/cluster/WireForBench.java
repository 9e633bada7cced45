package dev.weft.cluster;

/** The package-private {@link Wire} codec, opened to {@code dev.weft.bench.WireBenchmark} (tests only). */
public final class WireForBench {
    private final Wire wire;

    private WireForBench(Wire wire) {
        this.wire = wire;
    }

    /** A codec for these types. */
    public static WireForBench of(WireTypes types) {
        return new WireForBench(new Wire(types));
    }

    /** {@link Wire#encode}. */
    public byte[] encode(Object value, String where) {
        return wire.encode(value, where);
    }

    /** {@link Wire#decode}. */
    public Object decode(byte[] bytes, String where) {
        return wire.decode(bytes, where);
    }
}
