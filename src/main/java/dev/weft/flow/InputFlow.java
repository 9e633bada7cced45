package dev.weft.flow;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where one operation instance takes each of its inputs (and its conditions) from, as DFFML's {@code InputFlow}:
 * for each input name, a list of {@link Source}s; an input in the context matches when it matches any of them.
 *
 * @param inputs     input name to its sources
 * @param conditions sources of the condition inputs
 */
public record InputFlow(Map<String, List<Source>> inputs, List<Source> conditions) {

    /** Copies both. */
    public InputFlow {
        Map<String, List<Source>> copy = new LinkedHashMap<>();
        inputs.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "input name"), List.copyOf(v)));
        inputs = Collections.unmodifiableMap(copy);
        conditions = List.copyOf(conditions);
    }

    /**
     * One way an input may reach an operation: DFFML's three forms of a flow entry.
     */
    public sealed interface Source {
        /** Inputs of that origin ({@code "seed"}, a user name, or {@code {instance: outputKey}}) and the right definition. */
        record FromOrigin(Origin origin) implements Source {
            /** Checks the origin. */
            public FromOrigin {
                Objects.requireNonNull(origin, "origin");
            }
        }

        /** Inputs of that origin whose definition's name is one of {@code definitions}: DFFML's alternate definitions. */
        record AlternateDefinitions(Origin origin, List<String> definitions) implements Source {
            /** Copies the names. */
            public AlternateDefinitions {
                Objects.requireNonNull(origin, "origin");
                definitions = List.copyOf(definitions);
            }
        }

        /**
         * Inputs of origin {@code chain.get(0)} whose parent has origin {@code chain.get(1)}, whose parent has
         * {@code chain.get(2)}, and so on: DFFML's lineage constraint.
         */
        record Lineage(List<Origin> chain) implements Source {
            /** Copies the chain; it needs at least one origin. */
            public Lineage {
                chain = List.copyOf(chain);
                if (chain.isEmpty()) {
                    throw new IllegalArgumentException("a lineage source needs at least one origin");
                }
            }
        }

        /** Inputs from {@code "seed"}. */
        static Source seed() {
            return new FromOrigin(Origin.SEED);
        }

        /** Output {@code key} of {@code instance}. */
        static Source output(String instance, String key) {
            return new FromOrigin(Origin.output(instance, key));
        }

        /** Inputs of a named origin. */
        static Source origin(String name) {
            return new FromOrigin(Origin.named(name));
        }

        /** The origin this source listens to (the immediate one, for a lineage). */
        default Origin origin() {
            return switch (this) {
                case FromOrigin f -> f.origin();
                case AlternateDefinitions a -> a.origin();
                case Lineage l -> l.chain().get(0);
            };
        }

        /** Whether {@code input} matches this source for an operation input of definition {@code wanted}. */
        default boolean matches(Input input, Definition<?> wanted) {
            return switch (this) {
                case FromOrigin f -> f.origin().equals(input.origin()) && input.definition().equals(wanted);
                case AlternateDefinitions a -> a.origin().equals(input.origin())
                        && a.definitions().contains(input.definition().name());
                case Lineage l -> lineageMatches(input, l.chain(), wanted);
            };
        }

        private static boolean lineageMatches(Input input, List<Origin> chain, Definition<?> wanted) {
            if (!chain.get(0).equals(input.origin()) || !input.definition().equals(wanted)) {
                return false;
            }
            Input at = input;
            for (int i = 1; i < chain.size(); i++) {
                Origin want = chain.get(i);
                Input found = null;
                for (Input p : at.parents()) {
                    if (p.origin().equals(want)) {
                        if (found != null) {
                            throw new FlowException("input " + input + " has more than one parent from " + want
                                    + " (DFFML's MultipleAncestorsFoundError)");
                        }
                        found = p;
                    }
                }
                if (found == null) {
                    return false;
                }
                at = found;
            }
            return true;
        }
    }
}
