package dev.weft.demo.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The chassis examples run to completion with test-friendly arguments, and {@code ./weft example} finds them. */
@Timeout(30)
class ChassisExamplesTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void consolePipelineReadsTheGivenTextOrAFixedOneAndEnds() throws Exception {
        ConsolePipeline.run(InputStreamNeverRead.INSTANCE, out, false, "--text", "one||two");
        assertThat(lines()).containsSubsequence("1: ONE", "2: TWO")
                .last().asString().contains("2 line(s) echoed");

        bytes.reset();
        ConsolePipeline.run(InputStreamNeverRead.INSTANCE, out, false);
        assertThat(lines()).filteredOn(l -> l.matches("\\d+: .*")).hasSize(4);

        bytes.reset();
        var piped = new ByteArrayInputStream("from stdin\n".getBytes(StandardCharsets.UTF_8));
        ConsolePipeline.run(piped, out, false, "--stdin");
        assertThat(lines()).contains("1: FROM STDIN");

        assertThatThrownBy(() -> ConsolePipeline.run(InputStreamNeverRead.INSTANCE, out, false, "--bogus"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--bogus");
    }

    /** Standing in for System.in where the example must not read it. */
    static final class InputStreamNeverRead extends java.io.InputStream {
        static final InputStreamNeverRead INSTANCE = new InputStreamNeverRead();

        @Override
        public int read() {
            throw new AssertionError("standard input was read");
        }
    }

    @Test
    void feedbackCycleReadsTheWholeTextInChunksAndEnds(@TempDir Path dir) throws Exception {
        FeedbackCycle.run(out, "--rate", "100000", "--chunk", "7");
        assertThat(chunks()).isEqualTo(FeedbackCycle.TEXT);
        assertThat(lines()).last().asString().contains(FeedbackCycle.TEXT.length() + " characters");

        bytes.reset();
        Path file = dir.resolve("text.txt");
        Files.writeString(file, "a file\nof two lines\n", StandardCharsets.UTF_8);
        FeedbackCycle.run(out, "--file", file.toString(), "--rate", "100000", "--chunk", "5");
        assertThat(chunks()).isEqualTo("a file\nof two lines\n");

        assertThatThrownBy(() -> FeedbackCycle.run(out, "--rate", "-1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
    }

    /** The chunks the feedback cycle printed, put back together. */
    private String chunks() {
        Pattern chunk = Pattern.compile("chunk +\\d+ at +\\d+ ms: \"(.*)\"");
        StringBuilder text = new StringBuilder();
        for (String line : lines()) {
            Matcher m = chunk.matcher(line);
            if (m.matches()) {
                text.append(m.group(1).replace("\\n", "\n"));
            }
        }
        return text.toString();
    }

    @Test
    void seqOfOneShotsPrintsInSequenceOrder() throws Exception {
        SeqOfOneShots.run(out, "alpha", "beta", "gamma");
        assertThat(lines()).containsSubsequence("BEGIN SEQUENCE", "alpha", "beta", "gamma", "END SEQUENCE")
                .last().asString().contains("5 of 5 one-shots ran").contains("SUCCEEDED");
    }

    @Test
    void shutdownFanOutReachesEveryWaiter() throws Exception {
        ShutdownFanOut.run(out, "--waiters", "6");
        assertThat(lines()).filteredOn(l -> l.matches("waiter-\\d: Shutdown.*")).hasSize(6);
        assertThat(lines()).contains("tally: 6 of 6 waiters passed a Shutdown through the graphline's signal")
                .last().asString().contains("graphline SUCCEEDED, tally SUCCEEDED");
        assertThatThrownBy(() -> ShutdownFanOut.run(out, "--waiters", "0"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void carouselReadersReadsEveryFileInPlaylistOrder() throws Exception {
        CarouselReaders.run(out, "--rate", "5000");
        List<String> expected = CarouselReaders.FILES.entrySet().stream()
                .flatMap(e -> e.getValue().lines().map(l -> "[" + e.getKey() + "] " + l)).toList();
        List<String> got = lines().stream().filter(l -> l.startsWith("[")).map(l -> l.replaceAll("] +", "] "))
                .toList();
        assertThat(got).isEqualTo(expected);
        assertThat(lines()).last().asString().contains("made 3 readers").contains("asked 4 times");
    }

    @Test
    void examplesAreListedByKebabNameWithTheirDescriptions() {
        List<Examples.Example> all = Examples.list();
        assertThat(all).extracting(Examples.Example::name)
                .contains("console-pipeline", "feedback-cycle", "shutdown-fan-out", "seq-of-one-shots",
                        "carousel-readers")
                .doesNotContain("examples")
                .isSorted();
        assertThat(all).filteredOn(e -> e.type().getSimpleName().equals("FeedbackCycle")).singleElement()
                .satisfies(e -> assertThat(e.description()).isEqualTo(FeedbackCycle.DESCRIPTION));
        assertThat(Examples.find(all, "seq-of-one-shots")).map(Examples.Example::type).contains(SeqOfOneShots.class);
        assertThat(Examples.find(all, "SeqOfOneShots")).map(Examples.Example::type).contains(SeqOfOneShots.class);
        assertThat(Examples.find(all, "Seq-Of-One-Shots")).isPresent();
        assertThat(Examples.find(all, "no-such-thing")).isEmpty();
        assertThat(Examples.unknown("no-such-thing", all)).startsWith("weft: no example named 'no-such-thing';")
                .contains("console-pipeline, ").doesNotContain("\n");

        Examples.printList(all, out);
        assertThat(lines()).anySatisfy(l -> assertThat(l).startsWith("  feedback-cycle ")
                .endsWith(FeedbackCycle.DESCRIPTION));
    }

    @Test
    void kebabNamesFollowTheClassNames() {
        assertThat(Examples.kebab("FortuneServer")).isEqualTo("fortune-server");
        assertThat(Examples.kebab("SeqOfOneShots")).isEqualTo("seq-of-one-shots");
        assertThat(Examples.kebab("Chat")).isEqualTo("chat");
        assertThat(Examples.kebab("TCPChat")).isEqualTo("tcp-chat");
        assertThat(Examples.kebab("Broadcast2Way")).isEqualTo("broadcast2-way");
    }

    @Test
    void theDispatcherRunsTheNamedExampleWithTheRestOfTheArguments() throws Throwable {
        PrintStream saved = System.out;
        System.setOut(out);
        try {
            Examples.main(new String[] {"seq-of-one-shots", "via", "dispatcher"});
        } finally {
            System.setOut(saved);
        }
        assertThat(lines()).containsSubsequence("BEGIN SEQUENCE", "via", "dispatcher", "END SEQUENCE");
    }
}
