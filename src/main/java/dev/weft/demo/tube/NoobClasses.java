package dev.weft.demo.tube;

import dev.weft.tube.Args;
import dev.weft.tube.Node;
import dev.weft.tube.Signals;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * noob's class nodes from {@code noob/testing/nodes.py}: objects made from the node's params whose {@code process}
 * method {@link dev.weft.tube.NodeType#object} calls with the slots by name (so a missing optional slot arrives as
 * {@code null}, and each method applies noob's default). {@link InitCounter} is a {@link Node} for its lifecycle.
 */
public final class NoobClasses {
    private NoobClasses() {
    }

    /**
     * noob's {@code StatefulMultiply(start=0)}: {@code left * right * current}, then {@code current += 1}; its
     * results depend on how many epochs it saw, which is what a stateful node's ordering guarantees.
     */
    public static final class StatefulMultiply {
        private long current;

        /** Starting at {@code start}. */
        public StatefulMultiply(long start) {
            this.current = start;
        }

        /** {@code left * right * current} ({@code right} defaults to 1); steps {@code current}. */
        public Object process(Object left, Object right) {
            Object value = PyOps.mul(PyOps.mul(left, right == null ? 1L : right), current);
            current++;
            return value;
        }
    }

    /** noob's {@code Multiply} node class: {@code left * right} on signal {@code product}. */
    public static final class Multiply {
        /** {@code left * right} ({@code right} defaults to 2). */
        public Object process(Object left, Object right) {
            return PyOps.mul(left, right == null ? 2L : right);
        }
    }

    /**
     * noob's {@code VolumeProcess(height=2)} and {@code Volume(height=2)}: {@code height * width * depth} on signal
     * {@code volume}.
     */
    public static final class Volume {
        private final Object height;

        /** Of {@code height}. */
        public Volume(Object height) {
            this.height = height;
        }

        /** {@code height * (width * depth)}. */
        public Object process(Object width, Object depth) {
            return PyOps.mul(height, PyOps.mul(width, depth));
        }
    }

    /** noob's {@code Now}: the time it was made, prefixed, in Python's {@code isoformat}, on {@code timestamp}. */
    public static final class Now {
        private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");
        private final LocalDateTime now = LocalDateTime.now();

        /** {@code prefix} (default {@code "Now: "}) and the time it was made. */
        public String process(Object prefix) {
            return (prefix == null ? "Now: " : PyOps.toText(prefix, "Now prefix")) + ISO.format(now);
        }
    }

    /** noob's {@code NumberToLetterCls(offset=0)}: as {@code number_to_letter}, after a random wait up to 0.1 s. */
    public static final class NumberToLetter {
        private final long offset;

        /** With {@code offset}. */
        public NumberToLetter(long offset) {
            this.offset = offset;
        }

        /** The letter {@code (number + offset) mod 26} of the alphabet. */
        public String process(Object number) throws InterruptedException {
            Thread.sleep(Duration.ofMillis(ThreadLocalRandom.current().nextLong(100)));
            return NoobNodes.letter(PyOps.toLong(number, "NumberToLetterCls number") + offset);
        }
    }

    /**
     * noob's {@code InitCounter}: emits how many times it was initialized ({@code inits}) and deinitialized
     * ({@code deinits}), to check a runner's lifecycle calls (enable, disable, reopen).
     */
    public static final class InitCounter implements Node {
        private final AtomicLong inits = new AtomicLong();
        private final AtomicLong deinits = new AtomicLong();

        /** Not yet initialized. */
        public InitCounter() {
        }

        @Override
        public Object process(Args args) {
            return Signals.of("inits", inits.get(), "deinits", deinits.get());
        }

        @Override
        public void init() {
            inits.incrementAndGet();
        }

        @Override
        public void deinit() {
            deinits.incrementAndGet();
        }
    }
}
