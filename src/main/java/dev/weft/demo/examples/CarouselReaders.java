package dev.weft.demo.examples;

import dev.weft.component.Carousel;
import dev.weft.component.Component;
import dev.weft.component.Components;
import dev.weft.component.Graphline;
import dev.weft.component.Pipeline;
import dev.weft.demo.examples.FeedbackCycle.PromptedReader;
import dev.weft.demo.examples.FeedbackCycle.RateControl;
import java.io.PrintStream;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Carousel} swapping readers (Kamaelia's {@code ReusableFileReader} with a {@code Chooser}): a prompted reader
 * reads one file and ends; a carousel makes a new one for every file name on its {@code "next"} inbox, so together they
 * read file after file. A playlist answers each {@code "NEXT"} the carousel sends on {@code "requestNext"} with the
 * next name; a rate controller prompts whichever reader is current through the carousel's {@code "inbox"} (passed
 * through to the reader's) at a steady number of lines a second.
 *
 * <pre>
 *   playlist.outbox -> readers.next          a name: the carousel makes a reader for it
 *   readers.requestNext -> playlist.inbox    "NEXT" when a reader ended (and once at the start)
 *   playlist.signal -> readers.control       out of names: the carousel finishes
 *   rate.outbox -> readers.inbox             "1 line, please", to the current reader
 *   readers.outbox -> echo.inbox             the lines
 *   readers.signal -> rate.control           the carousel ended: stop prompting
 *   rate.signal -> echo.control              ... and the echoer ends after the last line
 * </pre>
 *
 * <p>The "files" are in memory. {@code ./weft example carousel-readers [--rate LINES_PER_SECOND]} (20 by default).
 */
public final class CarouselReaders {
    /** The line {@code ./weft example} shows. */
    public static final String DESCRIPTION = "a Carousel swapping readers, one per in-memory file from a playlist";

    /** The in-memory files, by name, in playlist order. */
    static final Map<String, String> FILES = files();

    private CarouselReaders() {
    }

    private static Map<String, String> files() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("morning.txt", """
                the kettle starts
                a carousel of readers
                one file at a time""");
        files.put("noon.txt", """
                a reader ends here;
                the carousel asks for NEXT
                and the playlist answers""");
        files.put("night.txt", """
                the last name is read,
                the playlist has no more names:
                its signal ends all""");
        return files;
    }

    /** Runs the example with its command-line arguments; bad arguments print usage and exit with status 2. */
    public static void main(String[] args) throws InterruptedException {
        try {
            run(System.out, args);
        } catch (IllegalArgumentException e) {
            System.err.println("carousel-readers: " + e.getMessage());
            System.err.println("usage: ./weft example carousel-readers [--rate LINES_PER_SECOND]");
            System.exit(2);
        }
    }

    /** Runs the example, printing to {@code out}. */
    static void run(PrintStream out, String... args) throws InterruptedException {
        double rate = 20;
        if (args.length == 2 && args[0].equals("--rate")) {
            try {
                rate = Double.parseDouble(args[1]);
            } catch (NumberFormatException e) {
                rate = -1;
            }
            if (!(rate > 0) || Double.isInfinite(rate)) {
                throw new IllegalArgumentException("--rate needs a positive number, got '" + args[1] + "'");
            }
        } else if (args.length > 0) {
            throw new IllegalArgumentException("unknown arguments " + String.join(" ", args));
        }

        Playlist playlist = new Playlist(List.copyOf(FILES.keySet()));
        String tag = "%-" + (FILES.keySet().stream().mapToInt(String::length).max().orElse(0) + 3) + "s%s";
        // Each reader is a pipeline of its own: the prompted reader, then a transformer that tags lines with the file.
        Carousel readers = Carousel.requestingFirst(name -> Pipeline.of(
                new PromptedReader("reader-" + name, new StringReader(FILES.get((String) name)),
                        PromptedReader.Unit.LINES),
                Components.transformer(String.class, line -> String.format(tag, "[" + name + "]", line))));
        Graphline g = Graphline.builder()
                .component("playlist", playlist)
                .component("readers", readers)
                .component("rate", new RateControl(rate, 1))
                .component("echo", Components.consoleEchoer(out))
                .link("playlist", "outbox", "readers", Carousel.NEXT)
                .link("readers", Carousel.REQUEST_NEXT, "playlist", "inbox")
                .link("playlist", "signal", "readers", "control")
                .link("rate", "outbox", "readers", "inbox")
                .link("readers", "outbox", "echo", "inbox")
                .link("readers", "signal", "rate", "control")
                .link("rate", "signal", "echo", "control")
                .build();
        out.printf("carousel-readers: %d in-memory files, one reader each, prompted at %.0f lines/s%n", FILES.size(),
                rate);
        long start = System.nanoTime();
        g.run();
        out.printf("carousel-readers: the carousel made %d readers; the playlist was asked %d times; all ended in %d"
                + " ms%n", readers.childrenAdded(), playlist.requests,
                Duration.ofNanos(System.nanoTime() - start).toMillis());
    }

    /**
     * Kamaelia's {@code Chooser} as a playlist: for each message on {@code "inbox"} (a request) it sends the next item
     * on {@code "outbox"}; asked once more after the last item, it ends (so {@code ProducerFinished} goes on
     * {@code "signal"}).
     */
    static final class Playlist extends Component {
        private final List<String> items;
        volatile int requests;

        Playlist(List<String> items) {
            super("playlist");
            this.items = new ArrayList<>(items);
        }

        @Override
        protected void main() throws InterruptedException {
            for (String item : items) {
                receive();
                requests++;
                send(item);
            }
            receive();
            requests++;
        }
    }
}
