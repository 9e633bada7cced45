package dev.weft.demo;

import dev.weft.flow.OperationException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Why pages failed: each failed page's exception (class and message, and its cause's where that says more), with
 * the page number replaced by {@code N} so that pages failing for one reason count together. Safe from any thread.
 */
final class FailureCauses {
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    /** Counts page {@code page} as failed by {@code error}. */
    void add(int page, Throwable error) {
        add(page, describe(error));
    }

    /** Counts page {@code page} as failed for the reason {@code cause} (already described, e.g. by a worker). */
    void add(int page, String cause) {
        counts.computeIfAbsent(normalise(page, cause), k -> new AtomicInteger()).incrementAndGet();
    }

    /** Pages counted. */
    int total() {
        return counts.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** Each cause with its number of pages, most pages first (then by cause). */
    Map<String, Integer> counts() {
        Map<String, Integer> sorted = new LinkedHashMap<>();
        counts.entrySet().stream()
                .sorted(Comparator.<Map.Entry<String, AtomicInteger>>comparingInt(e -> -e.getValue().get())
                        .thenComparing(Map.Entry::getKey))
                .forEach(e -> sorted.put(e.getKey(), e.getValue().get()));
        return sorted;
    }

    /**
     * {@code ClassName: message} of what a page's fetch threw, past the wrappers that only carry it
     * ({@link ExecutionException}, {@link CompletionException}, a data flow's operation failure), followed by
     * {@code (cause: ClassName: message)} when its cause says something else.
     */
    static String describe(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && (t instanceof ExecutionException || t instanceof CompletionException
                || t instanceof OperationException)) {
            t = t.getCause();
        }
        String text = oneLine(t);
        Throwable cause = t.getCause();
        if (cause != null && cause != t) {
            String causeText = oneLine(cause);
            if (!causeText.equals(text) && !String.valueOf(t.getMessage()).equals(String.valueOf(cause.getMessage()))) {
                text += " (cause: " + causeText + ")";
            } else if (!cause.getClass().equals(t.getClass())) {
                text += " (cause: " + cause.getClass().getName() + ")";
            }
        }
        return text;
    }

    private static String oneLine(Throwable t) {
        String message = t.getMessage();
        return t.getClass().getName() + (message == null ? "" : ": " + message.replace('\n', ' ').strip());
    }

    /** The cause with page {@code page}'s number replaced by N where it names the page ("page 7", ".../page/7"). */
    static String normalise(int page, String cause) {
        return Pattern.compile("(?<=page[ /])" + page + "(?!\\d)").matcher(cause).replaceAll("N");
    }
}
