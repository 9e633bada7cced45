package dev.weft.demo;

import dev.weft.Weft;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * A one-line {@link java.util.logging} formatter that shows where in the Weft scope tree a record was logged:
 *
 * <pre>{@code 14:03:07.412 INFO    [downloader/page-3] Variants: fetched page 3 ('page 3', 590 words)}</pre>
 *
 * <p>Each line holds the time ({@code HH:mm:ss.SSS}), the level, the {@linkplain Weft#context() context path} in
 * brackets (left out outside any scope), the logger's simple name and the message, followed by the stack trace if the
 * record has one. {@link java.util.logging.ConsoleHandler} and the other synchronous handlers call the formatter on
 * the logging thread itself, so the {@link ScopedValue}-based context it reads is that of the code that logged; an
 * asynchronous handler that formats on another thread would see that thread's context instead.
 *
 * <p>Named by {@code src/test/resources/logging.properties}, which {@code ./weft demo} loads. Thread safe.
 */
public final class ContextFormatter extends Formatter {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    /** A formatter; it has no settings. */
    public ContextFormatter() {
    }

    @Override
    public String format(LogRecord record) {
        String path = Weft.context().path();
        StringBuilder line = new StringBuilder(128);
        line.append(TIME.format(record.getInstant())).append(' ');
        line.append(String.format("%-7s", record.getLevel().getName())).append(' ');
        if (!path.isEmpty()) {
            line.append('[').append(path).append("] ");
        }
        String logger = record.getLoggerName();
        if (logger != null) {
            line.append(logger.substring(logger.lastIndexOf('.') + 1)).append(": ");
        }
        line.append(formatMessage(record)).append(System.lineSeparator());
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            try (PrintWriter w = new PrintWriter(trace)) {
                record.getThrown().printStackTrace(w);
            }
            line.append(trace);
        }
        return line.toString();
    }
}
