package dev.weft.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A worker process of the downloader report's process pool (the analogue of a Python {@code ProcessPoolExecutor}
 * worker): reads page numbers from standard input, one a line, and for each fetches and parses the page and writes
 * one line to standard output, {@code ok PAGE TAGS WORDS LINKS} or {@code err PAGE CAUSE} (the exception's class
 * and message, {@link FailureCauses#describe}). It ends at the end of
 * its input. It uses only the JDK, so it starts on the same class path as its parent.
 */
public final class DownloadWorker {
    private DownloadWorker() {
    }

    /**
     * Runs the worker.
     *
     * @param args one argument: the base URI of the pages, such as {@code http://127.0.0.1:PORT/page/}
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: DownloadWorker BASE_URI");
            System.exit(2);
            return;
        }
        URI base = URI.create(args[0]);
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.US_ASCII);
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30)).build();
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII))) {
            String line;
            while ((line = in.readLine()) != null) {
                line = line.strip();
                if (line.isEmpty()) {
                    continue;
                }
                int page;
                try {
                    page = Integer.parseInt(line);
                } catch (NumberFormatException e) {
                    out.println("err -1 not a page number: " + line);
                    out.flush();
                    continue;
                }
                try {
                    Pages.Parsed p = Fetch.fetchAndParse(client, base, page);
                    out.println("ok " + page + " " + p.tags() + " " + p.words() + " " + p.links());
                } catch (IOException e) {
                    out.println("err " + page + " " + FailureCauses.describe(e));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    out.println("err " + page + " interrupted");
                    out.flush();
                    return;
                }
                out.flush();
            }
        }
    }

    /** The blocking fetch and parse shared by the worker and the report's blocking variants. */
    static final class Fetch {
        private Fetch() {
        }

        static HttpRequest request(URI base, int page) {
            return HttpRequest.newBuilder(base.resolve(Integer.toString(page))).timeout(Duration.ofSeconds(60))
                    .GET().build();
        }

        /** Checks a response and parses it: throws unless it is status 200 and page {@code page}. */
        static Pages.Parsed check(int page, HttpResponse<String> response) throws IOException {
            if (response.statusCode() != 200) {
                throw new IOException("page " + page + ": HTTP status " + response.statusCode());
            }
            Pages.Parsed parsed = Pages.parse(response.body());
            if (!parsed.isPage(page)) {
                throw new IOException("page " + page + ": wrong page (title '" + parsed.title() + "')");
            }
            return parsed;
        }

        static Pages.Parsed fetchAndParse(HttpClient client, URI base, int page)
                throws IOException, InterruptedException {
            return check(page, client.send(request(base, page), HttpResponse.BodyHandlers.ofString()));
        }
    }
}
