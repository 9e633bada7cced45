package dev.weft.demo.examples;

import dev.weft.component.Component;
import dev.weft.component.Components;
import dev.weft.component.Pipeline;
import dev.weft.component.Seq;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Seq} of one-shots (Kamaelia's {@code Seq} example): each one-shot sends one message and ends, and only then
 * does the seq start the next; while one runs, its outbox is the seq's, so the echoer after the seq prints the messages
 * in sequence order. The seq ends after the last, and its {@code ProducerFinished} ends the echoer.
 *
 * <p>{@code ./weft example seq-of-one-shots [WORD...]}: the words to send, one one-shot each (a built-in greeting by
 * default), between a BEGIN and an END line.
 */
public final class SeqOfOneShots {
    /** The line {@code ./weft example} shows. */
    public static final String DESCRIPTION = "a Seq of one-shots: each starts when the one before it ended";

    private SeqOfOneShots() {
    }

    /** Runs the example: the arguments are the words to send. */
    public static void main(String[] args) throws InterruptedException {
        run(System.out, args);
    }

    /** Runs the example, printing to {@code out}. */
    static void run(PrintStream out, String... words) throws InterruptedException {
        List<String> messages = new ArrayList<>();
        messages.add("BEGIN SEQUENCE");
        messages.addAll(words.length > 0 ? List.of(words) : List.of("Hello", "from", "one", "one-shot", "at", "a",
                "time"));
        messages.add("END SEQUENCE");
        List<Component> shots = new ArrayList<>();
        for (String m : messages) {
            shots.add(Components.oneShot(m));
        }
        Seq seq = Seq.of(shots);
        out.println("seq-of-one-shots: Pipeline(Seq(" + shots.size() + " one-shots), ConsoleEchoer)");
        Pipeline.of(seq, Components.consoleEchoer(out)).run();
        long done = seq.sequence().stream().filter(c -> c.state() == Component.State.SUCCEEDED).count();
        out.println("seq-of-one-shots: " + done + " of " + shots.size() + " one-shots ran, one after another; the seq"
                + " ended " + seq.state());
    }
}
