package dev.weft.flow;

import java.util.Locale;

/** When an {@link Operation} runs in a context: DFFML's three stages, always in this order. */
public enum Stage {
    /** Runs whenever new inputs give it a new parameter set, concurrently. */
    PROCESSING,
    /** Runs once the processing stage is quiet, over every parameter set of the context; results discarded. */
    CLEANUP,
    /** Runs last, sequentially, over every parameter set of the context; its outputs are the context's result. */
    OUTPUT;

    /** DFFML's spelling: {@code processing}, {@code cleanup}, {@code output}. */
    String exported() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The stage DFFML calls {@code name}.
     *
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    static Stage of(String name) {
        for (Stage s : values()) {
            if (s.exported().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown stage '" + name + "'; expected processing, cleanup or output");
    }
}
