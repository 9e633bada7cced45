package dev.weft.scope.violation;

import com.fasterxml.jackson.databind.ObjectMapper;

/** A deliberate violation for {@code dev.weft.ArchitectureTest}: Jackson outside the flow files. */
public final class ScopeUsesJackson {
    private ScopeUsesJackson() {
    }

    static String json(Object o) throws Exception {
        return new ObjectMapper().writeValueAsString(o);
    }
}
