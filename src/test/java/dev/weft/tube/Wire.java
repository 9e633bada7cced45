package dev.weft.tube;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fake cluster's wire: values to bytes and back, so that nothing a node gets or returns is shared with the
 * driver. It takes what a real wire of allow-listed types would (null, booleans, integers, longs, doubles, characters,
 * strings, lists, sets, maps, {@link Signals}, {@link Node#NO_EVENT}, {@link Epoch}) and refuses anything else before
 * anything is sent. Lists come back as {@code ArrayList}s, sets and maps as linked ones: equal to what was sent.
 */
final class Wire {
    private static final int NULL = 0;
    private static final int FALSE = 1;
    private static final int TRUE = 2;
    private static final int INT = 3;
    private static final int LONG = 4;
    private static final int DOUBLE = 5;
    private static final int CHAR = 6;
    private static final int STRING = 7;
    private static final int LIST = 8;
    private static final int SET = 9;
    private static final int MAP = 10;
    private static final int SIGNALS = 11;
    private static final int NO_EVENT = 12;
    private static final int EPOCH = 13;

    private Wire() {
    }

    /** A value that cannot cross the wire. */
    static final class Refused extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Refused(Object v) {
            super("a " + v.getClass().getName() + " cannot cross the wire (only null, booleans, int, long, double, "
                    + "char, strings, lists, sets, maps, Signals, NO_EVENT and epochs)");
        }
    }

    static byte[] encode(Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(out, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Object decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            Object v = read(in);
            if (in.available() != 0) {
                throw new IllegalStateException(in.available() + " bytes left after a value");
            }
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Encodes and decodes: the copy a member gets of what the driver sent. */
    @SuppressWarnings("unchecked") // the caller knows what it sent
    static <T> T roundTrip(T value) {
        return (T) decode(encode(value));
    }

    private static void write(DataOutputStream out, Object v) throws IOException {
        switch (v) {
            case null -> out.writeByte(NULL);
            case Boolean b -> out.writeByte(b ? TRUE : FALSE);
            case Integer i -> {
                out.writeByte(INT);
                out.writeInt(i);
            }
            case Long l -> {
                out.writeByte(LONG);
                out.writeLong(l);
            }
            case Double d -> {
                out.writeByte(DOUBLE);
                out.writeDouble(d);
            }
            case Character c -> {
                out.writeByte(CHAR);
                out.writeChar(c);
            }
            case String s -> {
                out.writeByte(STRING);
                out.writeUTF(s);
            }
            case List<?> list -> {
                out.writeByte(LIST);
                all(out, list);
            }
            case Set<?> set -> {
                out.writeByte(SET);
                all(out, set);
            }
            case Map<?, ?> map -> {
                out.writeByte(MAP);
                entries(out, map);
            }
            case Signals s -> {
                out.writeByte(SIGNALS);
                entries(out, s.values());
            }
            case Node.NoEvent x -> out.writeByte(NO_EVENT);
            case Epoch e -> {
                out.writeByte(EPOCH);
                List<Epoch> chain = new ArrayList<>();
                for (Epoch p = e; p.parent() != null; p = p.parent()) {
                    chain.addFirst(p);
                }
                out.writeLong(e.rootNumber());
                out.writeInt(chain.size());
                for (Epoch p : chain) {
                    out.writeUTF(p.mapNode());
                    out.writeInt(p.index());
                }
            }
            default -> throw new Refused(v);
        }
    }

    private static void all(DataOutputStream out, Collection<?> items) throws IOException {
        out.writeInt(items.size());
        for (Object o : items) {
            write(out, o);
        }
    }

    private static void entries(DataOutputStream out, Map<?, ?> map) throws IOException {
        out.writeInt(map.size());
        for (Map.Entry<?, ?> e : map.entrySet()) {
            write(out, e.getKey());
            write(out, e.getValue());
        }
    }

    private static Object read(DataInputStream in) throws IOException {
        int tag = in.readByte();
        return switch (tag) {
            case NULL -> null;
            case FALSE -> Boolean.FALSE;
            case TRUE -> Boolean.TRUE;
            case INT -> in.readInt();
            case LONG -> in.readLong();
            case DOUBLE -> in.readDouble();
            case CHAR -> in.readChar();
            case STRING -> in.readUTF();
            case LIST -> {
                int n = in.readInt();
                List<Object> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(read(in));
                }
                yield list;
            }
            case SET -> {
                int n = in.readInt();
                Set<Object> set = new LinkedHashSet<>();
                for (int i = 0; i < n; i++) {
                    set.add(read(in));
                }
                yield set;
            }
            case MAP -> readMap(in);
            case SIGNALS -> {
                Map<Object, Object> m = readMap(in);
                Map<String, Object> named = new LinkedHashMap<>();
                m.forEach((k, v) -> named.put((String) k, v));
                yield Signals.of(named);
            }
            case NO_EVENT -> Node.NO_EVENT;
            case EPOCH -> {
                Epoch e = Epoch.root(in.readLong());
                int n = in.readInt();
                for (int i = 0; i < n; i++) {
                    e = e.sub(in.readUTF(), in.readInt());
                }
                yield e;
            }
            default -> throw new IllegalStateException("unknown tag " + tag);
        };
    }

    private static Map<Object, Object> readMap(DataInputStream in) throws IOException {
        int n = in.readInt();
        Map<Object, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            Object k = read(in);
            m.put(k, read(in));
        }
        return m;
    }
}
