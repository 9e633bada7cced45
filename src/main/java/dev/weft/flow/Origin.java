package dev.weft.flow;

import java.util.Objects;

/**
 * Where an {@link Input} came from, as DFFML records it: a name given by whoever added it ({@code "seed"} for the
 * data flow's seed and, by default, for inputs given to a run), or an output of an operation instance.
 * An {@link InputFlow} selects inputs by origin.
 */
public sealed interface Origin {

    /** The origin of seed inputs and of inputs given to a run without another name. */
    Named SEED = new Named("seed");

    /** An origin named by a user: {@code "seed"}, or any other string a flow may select. */
    record Named(String name) implements Origin {
        /** Checks the name. */
        public Named {
            Objects.requireNonNull(name, "origin name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("origin name must be non-blank");
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** The output {@code outputKey} of operation instance {@code instance}: DFFML's origin tuple. */
    record Output(String instance, String outputKey) implements Origin {
        /** Checks both parts. */
        public Output {
            Objects.requireNonNull(instance, "instance");
            Objects.requireNonNull(outputKey, "outputKey");
        }

        @Override
        public String toString() {
            return instance + "." + outputKey;
        }
    }

    /** {@code name} as an origin. */
    static Origin named(String name) {
        return name.equals("seed") ? SEED : new Named(name);
    }

    /** Output {@code key} of operation instance {@code instance}. */
    static Origin output(String instance, String key) {
        return new Output(instance, key);
    }
}
