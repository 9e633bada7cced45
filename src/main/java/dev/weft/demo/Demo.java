package dev.weft.demo;

/**
 * {@code ./weft demo}: seed 001's concurrent downloader as a preset of the comparison report
 * ({@link DownloaderReport}, {@link DownloaderReport.Options#demo()}): 1000 pages fetched in series (estimated from
 * 50), on a platform pool and in a Weft scope at 64 and at 1000 requests at a time, and as a Weft data flow at 1000;
 * three timed rounds each after an untimed one; a table of wall time and memory, the verdict lines, page 3's lineage.
 * It takes the report's options ({@code ./weft demo --help}) and writes no files unless given {@code --out DIR}.
 */
public final class Demo {
    private Demo() {
    }

    /** Runs the demo with the arguments; exits 2 for bad arguments and 1 when a page was lost. */
    public static void main(String[] args) {
        DownloaderReport.main("demo", DownloaderReport.Options.demo(), args);
    }
}
