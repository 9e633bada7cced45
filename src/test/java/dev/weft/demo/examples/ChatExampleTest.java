package dev.weft.demo.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Kamaelia's chat server shape: two raw TCP clients talk through a backplane; the TCP examples are listed. */
@Timeout(60)
class ChatExampleTest {

    @Test
    void twoRawClientsTalkThroughTheBackplaneAndEverythingEnds() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Chat.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines().toList()).containsSubsequence(
                "bob   reads: hello bob, this is alice",
                "alice reads: hello bob, this is alice",
                "alice reads: hi alice! bob here",
                "bob   reads: hi alice! bob here",
                "chat: 2 connections served, both closed; stopping the server",
                "chat: every component ended");
    }

    @Test
    void theTcpExamplesAreListed() {
        assertThat(Examples.list()).extracting(Examples.Example::name)
                .contains("chat", "fortune", "fortune-server", "fortune-client");
    }
}
