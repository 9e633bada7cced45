package dev.weft.cluster;

import java.io.*;

/** TEMPORARY STUB. */
final class Wire {
    Wire(WireTypes t) {
    }

    byte[] encode(Object value, String where) {
        try (var b = new ByteArrayOutputStream(); var o = new ObjectOutputStream(b)) {
            o.writeObject(value);
            o.flush();
            return b.toByteArray();
        } catch (IOException e) {
            throw new WireException(where + ": " + e);
        }
    }

    Object decode(byte[] bytes, String where) {
        try (var o = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return o.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new WireException(where + ": " + e);
        }
    }
}
