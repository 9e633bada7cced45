package dev.weft.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import dev.weft.cluster.WireForBench;
import dev.weft.cluster.WireTypes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What crossing the wire costs a value, on one side: the cluster's codec ({@code dev.weft.cluster.Wire}: walk the value
 * against the allow-list, write CBOR with Weft's type tags, read it back checking every class) against plain Java
 * serialization ({@code ObjectOutputStream}/{@code ObjectInputStream}, which Pekko turns off) and plain Jackson CBOR
 * without type information (which turns the {@code Long} back into an {@code Integer}), on the small map
 * {@code {"a": 1L, "b": "text"}}; and the codec on a record with a list of three records (an order and its items).
 * {@code wireRoundTrip2}: two threads (the machine's two cores) sharing one codec.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview"})
public class WireBenchmark {
    static final String WHERE = "input 'x' of operation 'bench' in context 'ctx-0'";

    /** An order line. */
    public record Item(String sku, long quantity, double price) {
    }

    /** An order of items. */
    public record Order(String id, List<Item> items) {
    }

    /** The codecs and the values, shared by the threads of a benchmark. */
    @State(Scope.Benchmark)
    public static class Codecs {
        final WireForBench wire = WireForBench.of(WireTypes.defaults().withType(Item.class, Order.class));
        final ObjectMapper cbor = new CBORMapper();
        final Map<String, Object> map = new LinkedHashMap<>();
        final Order order = new Order("o-1", List.of(new Item("a", 1L, 1.5), new Item("b", 2L, 2.5),
                new Item("c", 3L, 3.5)));
        byte[] mapBytes;
        byte[] orderBytes;

        {
            map.put("a", 1L);
            map.put("b", "text");
            mapBytes = wire.encode(map, WHERE);
            orderBytes = wire.encode(order, WHERE);
        }
    }

    @Benchmark
    public byte[] wireEncode(Codecs c) {
        return c.wire.encode(c.map, WHERE);
    }

    @Benchmark
    public Object wireDecode(Codecs c) {
        return c.wire.decode(c.mapBytes, WHERE);
    }

    @Benchmark
    public Object wireRoundTrip(Codecs c) {
        return c.wire.decode(c.wire.encode(c.map, WHERE), WHERE);
    }

    @Benchmark
    @Threads(2)
    public Object wireRoundTrip2(Codecs c) {
        return c.wire.decode(c.wire.encode(c.map, WHERE), WHERE);
    }

    @Benchmark
    public Object wireRecordRoundTrip(Codecs c) {
        return c.wire.decode(c.wire.encode(c.order, WHERE), WHERE);
    }

    @Benchmark
    public byte[] wireRecordEncode(Codecs c) {
        return c.wire.encode(c.order, WHERE);
    }

    @Benchmark
    public Object wireRecordDecode(Codecs c) {
        return c.wire.decode(c.orderBytes, WHERE);
    }

    @Benchmark
    public Object javaSerializationRoundTrip(Codecs c) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(c.map);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return in.readObject();
        }
    }

    @Benchmark
    public Object jacksonCborUntypedRoundTrip(Codecs c) throws IOException {
        return c.cbor.readValue(c.cbor.writeValueAsBytes(c.map), Map.class);
    }
}
