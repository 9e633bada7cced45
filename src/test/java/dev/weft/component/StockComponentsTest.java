package dev.weft.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class StockComponentsTest {

    /** Waits (without sleeping) until {@code condition} holds; the class timeout bounds it. */
    static void await(BooleanSupplier condition) {
        while (!condition.getAsBoolean()) {
            Thread.yield();
        }
    }

    /** Receives one message (data or control) on "inbox" and keeps it. */
    static final class FirstMessage extends Component {
        volatile Object got;

        @Override
        protected void main() throws InterruptedException {
            got = receive(INBOX);
        }
    }

    @Test
    void transformerAppliesItsFunctionAndANullResultSendsNothing() throws Exception {
        Collector sink = Components.collector();
        Pipeline.of(Components.source(List.of("a", "", "b", "c")),
                Components.transformer(m -> m.toString().isEmpty() ? null : m.toString().toUpperCase()), sink).run();
        assertThat(sink.items()).containsExactly("A", "B", "C");
        assertThat(sink.state()).isEqualTo(Component.State.SUCCEEDED);
    }

    @Test
    void typedTransformerCastsAndNamesItselfOnAWrongType() throws Exception {
        Collector sink = Components.collector();
        Pipeline.of(Components.source(List.of("x", "yy")), Components.transformer(String.class, String::length), sink)
                .run();
        assertThat(sink.items()).containsExactly(1, 2);

        Transformer t = Components.transformer(String.class, String::length);
        assertThatThrownBy(() -> Pipeline.of(Components.source(List.of("ok", 42)), t, Components.collector()).run())
                .isInstanceOf(ComponentFailedException.class)
                .hasRootCauseInstanceOf(ClassCastException.class)
                .rootCause().hasMessageContaining("transformer '").hasMessageContaining(t.name())
                .hasMessageContaining("java.lang.String").hasMessageContaining("java.lang.Integer: 42");
    }

    @Test
    void transformerPassesTheEndOnThroughSignal() throws Exception {
        Transformer t = Components.transformer(m -> m);
        FirstMessage signal = new FirstMessage();
        Components.link(t, Component.SIGNAL, signal, Component.INBOX);
        try (var system = Components.open()) {
            system.start(t).start(signal);
            t.deliver(1, Component.INBOX);
            t.deliver(new ProducerFinished("upstream"), Component.CONTROL);
            system.join();
        }
        assertThat(signal.got).isInstanceOf(ProducerFinished.class);
        assertThat(((ProducerFinished) signal.got).detail()).contains("upstream");
        assertThat(t.sent(Component.OUTBOX)).isZero(); // its outbox is unlinked: the message was dropped, counted
        assertThat(t.droppedUnlinked()).isEqualTo(1);
    }

    @Test
    void sourceSendsEveryItemInOrderThenProducerFinished() throws Exception {
        Source s = Components.source(IntStream.range(0, 500).boxed().toList());
        Collector sink = Components.collector();
        FirstMessage signal = new FirstMessage();
        Components.link(s, Component.OUTBOX, sink, Component.INBOX);
        Components.link(s, Component.SIGNAL, signal, Component.INBOX);
        try (var system = Components.open()) {
            system.start(s).start(signal).start(sink);
            await(() -> signal.got != null);
            sink.deliver(new ProducerFinished(), Component.CONTROL); // the source's signal went to the probe
            system.join();
        }
        assertThat(signal.got).isInstanceOf(ProducerFinished.class);
        assertThat(sink.items(Integer.class)).isEqualTo(IntStream.range(0, 500).boxed().toList());
    }

    @Test
    void oneShotSendsOneMessage() throws Exception {
        Collector sink = Components.collector();
        Pipeline.of(Components.oneShot("hello"), sink).run();
        assertThat(sink.items()).containsExactly("hello");
    }

    @Test
    void shutdownStopsAnEndlessSourceAndIsForwarded() throws Exception {
        Iterable<Integer> naturals = () -> new Iterator<>() {
            private int n;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                return n++;
            }
        };
        Source s = Components.source(naturals);
        Collector sink = Components.collector();
        Pipeline p = Pipeline.of(s, sink);
        try (var system = Components.open()) {
            system.start(p);
            await(() -> sink.size() >= 100);
            p.stop(); // Shutdown: the pipeline's control passes through to the source's
            system.join();
        }
        assertThat(s.state()).isEqualTo(Component.State.SUCCEEDED);
        List<Integer> got = sink.items(Integer.class);
        assertThat(got).hasSizeGreaterThanOrEqualTo(100);
        assertThat(got).isEqualTo(IntStream.range(0, got.size()).boxed().toList()); // a prefix, in order
    }

    @Test
    void aNullItemFailsTheSourceNamingIt() {
        Source s = Components.source(java.util.Arrays.asList("a", null));
        assertThatThrownBy(s::run).isInstanceOf(ComponentFailedException.class)
                .rootCause().isInstanceOf(NullPointerException.class).hasMessageContaining(s.name())
                .hasMessageContaining("item 1");
    }

    @Test
    void collectorIsReadableWhileRunningAndChecksTypes() throws Exception {
        Collector sink = Components.collector();
        try (var system = Components.open()) {
            system.start(sink);
            sink.deliver("one", Component.INBOX);
            sink.deliver(2, Component.INBOX);
            await(() -> sink.size() == 2);
            assertThat(sink.items()).containsExactly("one", 2); // a snapshot from another thread
            sink.deliver(new ProducerFinished(), Component.CONTROL);
            system.join();
        }
        assertThat(sink.items()).containsExactly("one", 2);
        assertThatThrownBy(() -> sink.items(String.class)).isInstanceOf(ClassCastException.class)
                .hasMessageContaining(sink.name()).hasMessageContaining("java.lang.Integer");
    }

    @Test
    void consoleReaderSendsEachLineAndEndsAtEndOfInput() throws Exception {
        var in = new ByteArrayInputStream("first\r\nsecond\n\nthird é".getBytes(StandardCharsets.UTF_8));
        Collector sink = Components.collector();
        ConsoleReader reader = Components.consoleReader(in);
        Pipeline.of(reader, sink).run();
        assertThat(sink.items()).containsExactly("first", "second", "", "third é");
        assertThat(reader.state()).isEqualTo(Component.State.SUCCEEDED);
    }

    @Test
    void consoleReaderStopsAtShutdownAfterTheLineItWaitsFor() throws Exception {
        PipedOutputStream feed = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(feed);
        ConsoleReader reader = Components.consoleReader(in);
        Collector sink = Components.collector();
        FirstMessage signal = new FirstMessage();
        Components.link(reader, Component.OUTBOX, sink, Component.INBOX);
        Components.link(reader, Component.SIGNAL, signal, Component.INBOX);
        try (var system = Components.open()) {
            system.start(reader).start(sink).start(signal);
            feed.write("a\n".getBytes(StandardCharsets.UTF_8));
            feed.flush();
            await(() -> sink.size() == 1);
            reader.stop();
            feed.write("b\n".getBytes(StandardCharsets.UTF_8)); // the read it was blocked in returns; then it stops
            feed.flush();
            await(() -> signal.got != null);
            sink.deliver(new ProducerFinished(), Component.CONTROL);
            system.join();
        } finally {
            feed.close();
        }
        assertThat(signal.got).isInstanceOf(Shutdown.class);
        assertThat(reader.state()).isEqualTo(Component.State.SUCCEEDED);
    }

    @Test
    void consoleEchoerPrintsEachMessageOnALine() throws Exception {
        var bytes = new ByteArrayOutputStream();
        var out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Pipeline.of(Components.source(List.of("hello", 42, List.of(1, 2))), Components.consoleEchoer(out)).run();
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines().toList())
                .containsExactly("hello", "42", "[1, 2]");
    }

    @Test
    void defaultConsoleFactoriesUseTheConsole() {
        assertThat(Components.consoleReader()).isNotNull();
        assertThat(Components.consoleEchoer()).isNotNull();
        assertThatThrownBy(() -> Components.oneShot(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Components.transformer(null)).isInstanceOf(NullPointerException.class);
    }
}
