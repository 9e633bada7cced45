package dev.weft.demo;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The downloader report's pages: an HTML body of a few KiB per page number, which pages the server fails, and the
 * hand-written parse step (counting tags, words and links) that is the CPU-bound part of each download.
 */
final class Pages {
    /** Approximate size of every page body in bytes. */
    static final int PAGE_BYTES = 4096;
    private static final String[] WORDS = {"weft", "warp", "loom", "thread", "shuttle", "heddle", "reed", "bobbin",
        "spindle", "yarn", "fibre", "cloth", "pattern", "twill", "satin", "plain"};

    private Pages() {
    }

    /**
     * Whether the server answers HTTP 500 for {@code page} at this error rate: a fixed, well-spread choice of pages
     * (the page number times the golden ratio, fractional part below the rate), so every run and every variant sees
     * the same failing pages and the expected number of failures is known.
     */
    static boolean fails(int page, double errorRate) {
        if (errorRate <= 0) {
            return false;
        }
        double x = (page + 1) * 0.6180339887498949;
        return x - Math.floor(x) < errorRate;
    }

    /** How many of pages {@code 0..n-1} fail at this rate. */
    static int expectedFailures(int n, double errorRate) {
        int f = 0;
        for (int i = 0; i < n; i++) {
            if (fails(i, errorRate)) {
                f++;
            }
        }
        return f;
    }

    /** The HTML body of page {@code page}: a title naming the page, paragraphs of words and links, about 4 KiB. */
    static byte[] body(int page) {
        StringBuilder sb = new StringBuilder(PAGE_BYTES + 256);
        sb.append("<!DOCTYPE html>\n<html><head><title>page ").append(page).append("</title></head>\n<body>\n");
        int k = page;
        int paragraph = 0;
        while (sb.length() < PAGE_BYTES - 200) {
            sb.append("<p id=\"p").append(paragraph++).append("\">");
            for (int w = 0; w < 12; w++) {
                k = k * 1103515245 + 12345;
                sb.append(WORDS[(k >>> 16) & 15]).append(' ');
            }
            sb.append("<a href=\"/page/").append(Math.floorMod(k, 100_000)).append("\">next</a></p>\n");
        }
        sb.append("</body></html>\n");
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * What the parse step found in a page.
     *
     * @param title the text of its {@code <title>} element, or "" without one
     * @param tags  opening and closing tags
     * @param words words of text outside tags
     * @param links {@code <a>} elements
     */
    record Parsed(String title, int tags, int words, int links) {
        /** Whether this is page {@code page}: its title names it and it has text. */
        boolean isPage(int page) {
            return title.equals("page " + page) && words > 0;
        }
    }

    /** Scans the HTML once, counting tags, words of text and links, and keeping the title's text. */
    static Parsed parse(String html) {
        int tags = 0, words = 0, links = 0;
        String title = "";
        boolean inWord = false;
        int titleStart = -1;
        int i = 0, n = html.length();
        while (i < n) {
            char c = html.charAt(i);
            if (c == '<') {
                inWord = false;
                int end = html.indexOf('>', i);
                if (end < 0) {
                    break;
                }
                tags++;
                int nameStart = i + 1 < n && html.charAt(i + 1) == '/' ? i + 2 : i + 1;
                int nameEnd = nameStart;
                while (nameEnd < end && Character.isLetterOrDigit(html.charAt(nameEnd))) {
                    nameEnd++;
                }
                String name = html.substring(nameStart, nameEnd).toLowerCase(Locale.ROOT);
                boolean closing = nameStart == i + 2;
                if (name.equals("a") && !closing) {
                    links++;
                } else if (name.equals("title")) {
                    if (!closing) {
                        titleStart = end + 1;
                    } else if (titleStart >= 0) {
                        title = html.substring(titleStart, i).strip();
                    }
                }
                i = end + 1;
                continue;
            }
            if (Character.isLetterOrDigit(c)) {
                if (!inWord) {
                    words++;
                    inWord = true;
                }
            } else {
                inWord = false;
            }
            i++;
        }
        return new Parsed(title, tags, words, links);
    }
}
