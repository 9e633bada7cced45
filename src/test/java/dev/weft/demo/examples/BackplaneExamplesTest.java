package dev.weft.demo.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The services and backplane examples run to completion by themselves, and {@code ./weft example} finds them. */
@Timeout(30)
class BackplaneExamplesTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void broadcastEveryListenerHearsEveryHeadlineAndEverythingEnds() throws Exception {
        Broadcast.run(out);
        assertThat(lines()).contains("  alice  heard: Components run on virtual threads",
                        "  bob    heard: Shutdown flows from the source to the last listener",
                        "  carol  heard: COMPONENTS RUN ON VIRTUAL THREADS")
                .last().isEqualTo("broadcast: alice heard 4, bob 4, carol 4 of 4 headlines; every component ended");
        // each listener hears the headlines in publish order
        assertThat(lines().stream().filter(l -> l.startsWith("  carol")).toList()).containsExactly(
                "  carol  heard: COMPONENTS RUN ON VIRTUAL THREADS",
                "  carol  heard: BACKPLANES PASS EVERY MESSAGE TO EVERY SUBSCRIBER",
                "  carol  heard: A FORWARDER SUBSCRIBES TO ONE BACKPLANE AND PUBLISHES TO ANOTHER",
                "  carol  heard: SHUTDOWN FLOWS FROM THE SOURCE TO THE LAST LISTENER");

        bytes.reset();
        Broadcast.run(out, "one", "two");
        assertThat(lines()).contains("  bob    heard: two", "  carol  heard: TWO").last().asString()
                .startsWith("broadcast: alice heard 2, bob 2, carol 2 of 2 headlines");
    }

    @Test
    void serviceLookupListenersHearTheTicksBetweenTheirJoiningAndLeaving() throws Exception {
        ServiceLookup.run(out);
        assertThat(lines()).contains("service-lookup: services [clock, listener-a, listener-b, listener-c, printer]",
                "service-lookup: tracked 'ticks sent' = 6",
                "service-lookup: listener a heard [tick 1, tick 2, tick 3, tick 4]",
                "service-lookup: listener b heard [tick 3, tick 4, tick 5, tick 6]",
                "service-lookup: listener c heard [tick 5, tick 6]");
        assertThat(lines()).containsSubsequence("  a heard tick 1", "  a heard tick 4", "  a leaves");
        assertThat(lines()).containsSubsequence("  c heard tick 5", "  c heard tick 6", "  c leaves");
    }

    @Test
    void theListerFindsBothByTheirKebabNamesWithTheirDescriptions() {
        List<Examples.Example> all = Examples.list();
        assertThat(Examples.find(all, "broadcast")).map(Examples.Example::type).contains(Broadcast.class);
        assertThat(Examples.find(all, "service-lookup")).map(Examples.Example::type).contains(ServiceLookup.class);
        assertThat(Examples.find(all, "broadcast")).map(Examples.Example::description).contains(Broadcast.DESCRIPTION);
    }
}
