package dev.weft.demo;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The adaptive rows' limit over time: {@code limits.csv} (every decision of each adaptive row's median timed round)
 * and {@code limit.png}, one panel per adaptive row and size, each an XChart plot of the limit (a step line: it holds
 * until the next decision), the contexts in flight as each decision saw them and, on the right-hand axis, the contexts
 * not started yet (the report's count), against seconds since the round started.
 */
final class LimitFiles {
    /** The CSV's header line. */
    static final String CSV_HEADER = "variant,requests,budget_bytes,seconds,limit,previous,in_flight,queued,reason,"
            + "detail,not_started";
    /** A panel's size in pixels; panels are laid out two to a row. */
    static final int PANEL_WIDTH = 760, PANEL_HEIGHT = 440;
    /** The series of a panel, in legend order. */
    static final String LIMIT = "limit", IN_FLIGHT = "in flight (at each decision)",
            QUEUED = "not started (right axis)";
    private static final int PER_ROW = 2;

    private LimitFiles() {
    }

    /** The rows that have decisions to show, in their order. */
    static List<DownloaderReport.Row> traced(List<DownloaderReport.Row> rows) {
        return rows.stream().filter(r -> !r.limits().isEmpty()).toList();
    }

    /** One line per decision of each adaptive row; the detail quoted as CSV wants (doubled quotes). */
    static String csv(List<DownloaderReport.Row> rows) {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (DownloaderReport.Row r : rows) {
            for (LimitPoint p : r.limits()) {
                sb.append(String.format(Locale.ROOT, "%s,%d,%d,%.6f,%d,%d,%d,%d,%s,%s,%d%n", r.variant(),
                        r.requests(), r.budget(), p.seconds(), p.limit(), p.previous(), p.inFlight(), p.queued(),
                        p.reason(), ReportFiles.quoted(p.detail().replace('\n', ' ')), p.notStarted()));
            }
        }
        return sb.toString();
    }

    /**
     * The limit as a step line through the decisions: at each one's time the previous limit, then the new one (the
     * first one, where the run started, from its own limit), held until {@code endSeconds} (the round's end) if that
     * is later. x and y arrays, of equal length.
     */
    static double[][] steps(List<LimitPoint> points, double endSeconds) {
        List<double[]> xy = new ArrayList<>();
        for (LimitPoint p : points) {
            if (!xy.isEmpty()) {
                xy.add(new double[] {p.seconds(), p.previous()});
            }
            xy.add(new double[] {p.seconds(), p.limit()});
        }
        if (!points.isEmpty() && endSeconds > points.getLast().seconds()) {
            xy.add(new double[] {endSeconds, points.getLast().limit()});
        }
        return new double[][] {xy.stream().mapToDouble(a -> a[0]).toArray(),
            xy.stream().mapToDouble(a -> a[1]).toArray()};
    }

    /** The panel of one adaptive row: limit, in flight, and queued on the right-hand axis, against seconds. */
    static XYChart panel(DownloaderReport.Row r) {
        XYChart chart = new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT)
                .title(String.format(Locale.ROOT, "%s, %d pages: median round %.2f s", r.label(), r.requests(),
                        r.measuredNanos() / 1e9))
                .xAxisTitle("seconds since the timed round started").yAxisTitle("contexts").build();
        XYStyler s = chart.getStyler();
        s.setPlotGridLinesColor(new Color(0xE4E4E4)).setXAxisMin(0.0).setYAxisMin(0.0);
        // the legend under the plot, in one line: inside, it hid the first decisions
        s.setLegendPosition(Styler.LegendPosition.OutsideS).setLegendLayout(Styler.LegendLayout.Horizontal)
                .setLegendBorderColor(Color.WHITE).setChartBackgroundColor(Color.WHITE)
                .setPlotBackgroundColor(Color.WHITE).setPlotBorderColor(Color.BLACK).setChartTitleBoxVisible(false)
                .setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 14))
                .setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12)).setMarkerSize(6)
                .setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        chart.setYAxisGroupTitle(1, "contexts not started");
        List<LimitPoint> points = r.limits();
        double[][] limit = steps(points, r.measuredNanos() / 1e9);
        XYSeries l = chart.addSeries(LIMIT, limit[0], limit[1]);
        l.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line).setMarker(SeriesMarkers.NONE)
                .setLineColor(LogPlot.PALETTE.get(0)).setLineStyle(new BasicStroke(2.5f));
        double[] t = points.stream().mapToDouble(LimitPoint::seconds).toArray();
        XYSeries f = chart.addSeries(IN_FLIGHT, t, points.stream().mapToDouble(LimitPoint::inFlight).toArray());
        // markers only: in flight is known at the decisions, not between them
        f.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter).setMarker(SeriesMarkers.CIRCLE)
                .setMarkerColor(LogPlot.PALETTE.get(1));
        // not started: the report's count where it has one, else the decision's queued (waiters on the limit)
        XYSeries q = chart.addSeries(QUEUED, t, points.stream()
                .mapToDouble(p -> p.notStarted() >= 0 ? p.notStarted() : p.queued()).toArray());
        q.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line).setMarker(SeriesMarkers.NONE)
                .setLineColor(LogPlot.PALETTE.get(4)).setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
                        BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f));
        q.setYAxisGroup(1);
        return chart;
    }

    /** Writes the panels of {@code rows}' adaptive rows (at least one) as one PNG, two panels to a row. */
    static void write(List<DownloaderReport.Row> rows, Path png) throws IOException {
        List<DownloaderReport.Row> traced = traced(rows);
        if (traced.isEmpty()) {
            throw new IllegalArgumentException("no adaptive row with decisions to plot");
        }
        int cols = Math.min(PER_ROW, traced.size()), lines = (traced.size() + PER_ROW - 1) / PER_ROW;
        BufferedImage image = new BufferedImage(cols * PANEL_WIDTH, lines * PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            for (int i = 0; i < traced.size(); i++) {
                g.drawImage(BitmapEncoder.getBufferedImage(panel(traced.get(i))), (i % PER_ROW) * PANEL_WIDTH,
                        (i / PER_ROW) * PANEL_HEIGHT, null);
            }
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", png.toFile());
    }
}
