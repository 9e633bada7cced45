package dev.weft.component;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * How a TCP component turns messages into bytes and bytes into messages: raw {@code byte[]} chunks, or UTF-8 lines.
 * Immutable; {@link #splitter()} makes the per-connection (not thread safe) decoder.
 *
 * <p>Out: a {@code byte[]} is written as it is; anything else as its {@code toString()} in UTF-8, followed by
 * {@code "\n"} in line mode. In: in byte mode each read of the socket becomes one {@code byte[]} (at most
 * {@link #CHUNK} bytes); in line mode the bytes are cut at {@code '\n'} (a {@code '\r'} before it is dropped too),
 * decoded as UTF-8 and sent as {@code String}s without the line end; a last line without an end is sent at the end
 * of the stream.
 */
final class Framing {
    /** The most bytes one read delivers. */
    static final int CHUNK = 8192;

    final boolean lines;
    final int maxLineLength;

    Framing(boolean lines, int maxLineLength) {
        this.lines = lines;
        this.maxLineLength = maxLineLength;
    }

    /** The bytes to write for {@code message}. */
    byte[] encode(Object message) {
        if (message instanceof byte[] bytes) {
            return bytes;
        }
        String text = message.toString();
        return (lines ? text + "\n" : text).getBytes(StandardCharsets.UTF_8);
    }

    LineSplitter splitter() {
        return new LineSplitter(maxLineLength);
    }

    @Override
    public String toString() {
        return lines ? "lines (at most " + maxLineLength + " bytes)" : "bytes";
    }

    /** Cuts a byte stream into lines; one per connection, used by its reader only. */
    static final class LineSplitter {
        private final int max;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private boolean overflowed;

        LineSplitter(int max) {
            this.max = max;
        }

        /** The complete lines in {@code buf[0..n)} together with what was pending; none after an overflow. */
        List<String> feed(byte[] buf, int n) {
            List<String> out = new ArrayList<>(2);
            if (overflowed) {
                return out;
            }
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (buf[i] == '\n') {
                    if (pending.size() + i - start > max) {
                        overflowed = true;
                        return out;
                    }
                    pending.write(buf, start, i - start);
                    out.add(takeLine());
                    start = i + 1;
                }
            }
            pending.write(buf, start, n - start);
            if (pending.size() > max) {
                overflowed = true;
            }
            return out;
        }

        /** Whether a line grew longer than the limit (its bytes are then discarded, and the stream should end). */
        boolean overflowed() {
            return overflowed;
        }

        /** What is left at the end of the stream, as a last line, or null if nothing (or too much) is left. */
        String rest() {
            return pending.size() == 0 || overflowed ? null : takeLine();
        }

        private String takeLine() {
            byte[] b = pending.toByteArray();
            pending.reset();
            int len = b.length;
            if (len > 0 && b[len - 1] == '\r') {
                len--;
            }
            return new String(b, 0, len, StandardCharsets.UTF_8);
        }
    }
}
