package dev.weft.demo;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.font.FontRenderContext;
import java.awt.font.TextLayout;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A line plot with logarithmic axes that can be read off, drawn by XChart: the x axis is labelled at exactly the
 * values given (the measured sizes), the y axis at every decade and at labelled minor ticks in between (more of them
 * the narrower the range); series get colour-blind-safe colours (Okabe and Ito's palette) and each its own XChart
 * marker, so no two are told apart by colour alone. Points can be drawn hollow (the report's extrapolated times) and
 * a series dashed; the notes are small print under the legend. Written as PNG by XChart's {@link BitmapEncoder}.
 *
 * <p>The configuration ({@link #x()}, {@link #y()}, {@link #series()}) is plain data, and {@link #chart()} builds the
 * XChart chart from it, so what the plot shows can be checked without looking at pixels.
 *
 * <p>What XChart 3.8.8 cannot do (its main branch has nothing newer for it), and what this class does instead,
 * through XChart's own extension points (annotations, markers) rather than by drawing the plot itself:
 * <ul>
 *   <li>Its log axes put ticks and grid lines only at the integer multiples of each decade, and label either the
 *       decades alone or every multiple (so 20 ... 90 crowd, and 15 or 250 never get a label); its tick-label
 *       formatting function replaces the log tick calculator with the linear one, and it has no way to pass tick
 *       positions. So XChart keeps its log axes, its tick marks and its grid at every multiple, its own tick labels
 *       are made transparent (they still reserve their room), and the labels here, computed by {@link #sizeAxis}
 *       and {@link #valueAxis}, are {@link TickLabel} annotations that ask XChart's axes where their value is at paint
 *       time; a labelled value off XChart's grid (15, 250) gets an {@link AnnotationLine} as its grid line.</li>
 *   <li>Its markers are filled and set per series, not per point: the hollow points are a second series of their
 *       own, not in the legend, drawn with {@link Hollow}, the series' own XChart marker with white inside.</li>
 *   <li>Its legend holds only series, and a text panel cannot be placed under it: the notes are the legend's last
 *       entry, a series with neither line nor marker whose label is the notes (one line each).</li>
 *   <li>Its cross and plus markers are drawn with 1-pixel lines, thinner than the others.</li>
 * </ul>
 *
 * @param title  the title above the plot
 * @param xTitle the x axis title
 * @param yTitle the y axis title
 * @param x      the x axis: range and ticks
 * @param y      the y axis: range and ticks
 * @param series the lines, in legend order
 * @param notes  lines of small print under the legend
 */
public record LogPlot(String title, String xTitle, String yTitle, Axis x, Axis y, List<Series> series, List<String> notes) {
    /**
     * Okabe and Ito's colour-blind-safe palette without its yellow (too pale on white), with grey as the eighth:
     * black, orange, sky blue, bluish green, blue, vermillion, reddish purple, grey.
     */
    public static final List<Color> PALETTE = List.of(new Color(0x000000), new Color(0xE69F00), new Color(0x56B4E9),
            new Color(0x009E73), new Color(0x0072B2), new Color(0xD55E00), new Color(0xCC79A7), new Color(0x999999));
    /** The legend entry that holds the notes. */
    static final String NOTES = "notes";
    /** The suffix of the series that draws a series' hollow points. */
    static final String HOLLOW = " (hollow)";
    static final int WIDTH = 1100, HEIGHT = 640;
    private static final Color TRANSPARENT = new Color(0, 0, 0, 0);
    private static final BasicStroke SOLID = new BasicStroke(2f), DASHED = new BasicStroke(2f, BasicStroke.CAP_BUTT,
            BasicStroke.JOIN_ROUND, 10f, new float[] {8f, 5f}, 0f);

    /** Copies the series and notes. */
    public LogPlot {
        series = List.copyOf(series);
        notes = List.copyOf(notes);
    }

    /** A marker shape, one per series: XChart's eight that differ in outline. */
    public enum Marker {
        CIRCLE(SeriesMarkers.CIRCLE), SQUARE(SeriesMarkers.SQUARE), TRIANGLE_UP(SeriesMarkers.TRIANGLE_UP),
        DIAMOND(SeriesMarkers.DIAMOND), TRIANGLE_DOWN(SeriesMarkers.TRIANGLE_DOWN), CROSS(SeriesMarkers.CROSS),
        PLUS(SeriesMarkers.PLUS), TRAPEZOID(SeriesMarkers.TRAPEZOID);

        /** The XChart marker (qualified: this enum is named Marker too). */
        final org.knowm.xchart.style.markers.Marker xchart;

        Marker(org.knowm.xchart.style.markers.Marker xchart) {
            this.xchart = xchart;
        }
    }

    /**
     * A tick.
     *
     * @param value where it is, in data units
     * @param label its label, or null for an unlabelled minor tick
     */
    public record Tick(double value, String label) {
        boolean labelled() {
            return label != null;
        }
    }

    /**
     * A logarithmic axis.
     *
     * @param min   the lowest value shown (above 0)
     * @param max   the highest value shown
     * @param ticks its ticks inside the range, ascending
     */
    public record Axis(double min, double max, List<Tick> ticks) {
        /** Copies the ticks. */
        public Axis {
            ticks = List.copyOf(ticks);
        }

        /** The labelled ticks' values. */
        List<Double> labelled() {
            return ticks.stream().filter(Tick::labelled).map(Tick::value).toList();
        }
    }

    /**
     * A line.
     *
     * @param name   its legend entry
     * @param xs     x values (above 0)
     * @param ys     y values (above 0)
     * @param hollow which points to draw hollow
     * @param color  its colour
     * @param marker its marker
     * @param dashed whether the line is dashed
     */
    public record Series(String name, double[] xs, double[] ys, boolean[] hollow, Color color, Marker marker,
                  boolean dashed) {
    }

    /**
     * The x axis of measured sizes: a labelled tick at each size, unlabelled ones at the decades between, and a
     * margin either side so the end points are not on the frame.
     */
    public static Axis sizeAxis(Collection<? extends Number> sizes) {
        TreeSet<Double> values = new TreeSet<>();
        sizes.forEach(n -> values.add(n.doubleValue()));
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no sizes");
        }
        double min = values.first() / 1.6, max = values.last() * 1.6;
        List<Tick> ticks = new ArrayList<>();
        for (double d = Math.pow(10, Math.floor(Math.log10(min))); d <= max; d *= 10) {
            if (d >= min && !values.contains(d)) {
                ticks.add(new Tick(d, null));
            }
        }
        values.forEach(v -> ticks.add(new Tick(v, label(v))));
        ticks.sort(Comparator.comparingDouble(Tick::value));
        return new Axis(min, max, ticks);
    }

    /**
     * A y axis over {@code [lo, hi]} (both above 0) with a little margin: labelled ticks at every decade and, the
     * narrower the range, at more values between ({@code 1, 2, 5} × 10^k over more than 2.5 decades; {@code 1, 2, 3,
     * 5} up to 2.5; {@code 1 ... 9} up to 1.2; and {@code 1.5, 2.5} too below half a decade), the other integer
     * multiples as unlabelled minor ticks.
     */
    public static Axis valueAxis(double lo, double hi) {
        if (!(lo > 0) || !(hi >= lo)) {
            throw new IllegalArgumentException("need 0 < lo <= hi, got " + lo + ", " + hi);
        }
        double min = lo / 1.15, max = hi * 1.15;
        if (max / min < 2) {
            double mid = Math.sqrt(min * max);
            min = mid / Math.sqrt(2);
            max = mid * Math.sqrt(2);
        }
        double decades = Math.log10(max / min);
        double[] labelled = decades > 2.5 ? new double[] {1, 2, 5}
                : decades > 1.2 ? new double[] {1, 2, 3, 5}
                : decades > 0.5 ? new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}
                : new double[] {1, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9};
        List<Tick> ticks = new ArrayList<>();
        for (int k = (int) Math.floor(Math.log10(min)); Math.pow(10, k) <= max; k++) {
            TreeSet<Double> multiples = new TreeSet<>();
            for (int m = 1; m <= 9; m++) {
                multiples.add((double) m);
            }
            for (double m : labelled) {
                multiples.add(m);
            }
            for (double m : multiples) {
                double v = new BigDecimal(m * Math.pow(10, k), new MathContext(6)).doubleValue();
                if (v < min || v > max) {
                    continue;
                }
                boolean isLabelled = false;
                for (double l : labelled) {
                    isLabelled |= l == m;
                }
                ticks.add(new Tick(v, isLabelled ? label(v) : null));
            }
        }
        return new Axis(min, max, ticks);
    }

    /** A tick label: the value to three significant digits, without trailing zeros or exponent. */
    static String label(double v) {
        return new BigDecimal(v, new MathContext(3)).stripTrailingZeros().toPlainString();
    }

    /** Whether XChart's log axis has a tick (and grid line) at {@code v}: an integer multiple of its decade. */
    static boolean onXChartGrid(double v) {
        double m = v / Math.pow(10, Math.floor(Math.log10(v)));
        return Math.abs(m - Math.rint(m)) < 1e-9;
    }

    /** The tick labels {@link #chart()} adds: the x axis's, then the y axis's, each ascending. */
    List<TickLabel> tickLabels() {
        List<TickLabel> labels = new ArrayList<>();
        x.ticks().stream().filter(Tick::labelled).forEach(t -> labels.add(new TickLabel(true, t.value(), t.label())));
        y.ticks().stream().filter(Tick::labelled).forEach(t -> labels.add(new TickLabel(false, t.value(), t.label())));
        return labels;
    }

    /** The XChart chart: log axes over {@link #x} and {@link #y}, the series, their hollow points, the notes. */
    XYChart chart() {
        return chart(tickLabels());
    }

    /** {@link #chart()} with the given tick labels (a test keeps them to see where XChart put them). */
    XYChart chart(List<TickLabel> labels) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        XYStyler s = chart.getStyler();
        s.setXAxisLogarithmic(true).setYAxisLogarithmic(true)
                // every multiple: XChart then reserves room for labels as wide as the ones added here
                .setXAxisLogarithmicDecadeOnly(false).setYAxisLogarithmicDecadeOnly(false)
                .setXAxisMin(x.min()).setXAxisMax(x.max()).setYAxisMin(y.min()).setYAxisMax(y.max())
                .setXAxisTickLabelsColor(TRANSPARENT).setYAxisTickLabelsColor(TRANSPARENT)
                .setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12))
                .setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13)).setAxisTitlePadding(12)
                .setPlotGridLinesColor(new Color(0xE4E4E4)).setPlotGridLinesStroke(new BasicStroke(1f))
                .setAxisTickMarksColor(Color.BLACK).setAxisTickMarkLength(5).setAxisTicksLineVisible(false)
                .setPlotMargin(0);
        s.setPlotContentSize(1.0).setPlotBackgroundColor(Color.WHITE).setPlotBorderColor(Color.BLACK)
                .setChartBackgroundColor(Color.WHITE).setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16))
                .setChartTitleBoxVisible(false).setLegendPosition(Styler.LegendPosition.OutsideE)
                .setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13)).setLegendBorderColor(Color.WHITE)
                .setLegendSeriesLineLength(36).setMarkerSize(10)
                .setAnnotationTextFont(s.getAxisTickLabelsFont()).setAnnotationTextFontColor(Color.BLACK)
                .setAnnotationLineColor(new Color(0xE4E4E4)).setAnnotationLineStroke(new BasicStroke(1f));
        for (Series line : series) {
            XYSeries xy = chart.addSeries(line.name(), line.xs(), line.ys());
            xy.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            xy.setMarker(line.marker().xchart).setMarkerColor(line.color());
            xy.setLineStyle(line.dashed() ? DASHED : SOLID).setLineColor(line.color());
            List<double[]> hollow = new ArrayList<>();
            for (int i = 0; i < line.xs().length; i++) {
                if (line.hollow()[i]) {
                    hollow.add(new double[] {line.xs()[i], line.ys()[i]});
                }
            }
            if (!hollow.isEmpty()) {
                XYSeries h = chart.addSeries(line.name() + HOLLOW, hollow.stream().mapToDouble(p -> p[0]).toArray(),
                        hollow.stream().mapToDouble(p -> p[1]).toArray());
                h.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                h.setMarker(new Hollow(line.marker())).setMarkerColor(line.color());
                h.setShowInLegend(false);
            }
        }
        if (!notes.isEmpty()) {
            XYSeries n = chart.addSeries(NOTES, new double[] {x.min()}, new double[] {y.min()});
            n.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            n.setMarker(SeriesMarkers.NONE).setLineStyle(SeriesLines.NONE);
            n.setLabel(String.join("\n", notes));
        }
        for (TickLabel label : labels) {
            if (!onXChartGrid(label.value())) {
                chart.addAnnotation(new AnnotationLine(label.value(), label.onX(), false));
            }
            chart.addAnnotation(label);
        }
        return chart;
    }

    /** Writes the plot as a PNG. */
    public void write(Path file) throws IOException {
        BitmapEncoder.saveBitmap(chart(), file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /**
     * A tick label where XChart's own would be: under the plot at {@code value} of the x axis, or left of it at
     * {@code value} of the y axis, placed when XChart paints (only then does it know where the plot is).
     */
    static final class TickLabel extends AnnotationText {
        private final boolean onX;
        private final double value;
        private final String text;

        TickLabel(boolean onX, double value, String text) {
            super(text, 0, 0, true);
            this.onX = onX;
            this.value = value;
            this.text = text;
        }

        /** Whether it labels the x axis. */
        boolean onX() {
            return onX;
        }

        /** Where, in data units. */
        double value() {
            return value;
        }

        /** The label. */
        String text() {
            return text;
        }

        @Override
        public void paint(Graphics2D g) {
            AxesChartStyler styler = (AxesChartStyler) this.styler;
            Rectangle2D bounds = new TextLayout(text, styler.getAnnotationTextFont(),
                    new FontRenderContext(null, true, false)).getOutline(null).getBounds2D();
            int gap = styler.getPlotMargin() + styler.getAxisTickMarkLength() + styler.getAxisTickPadding();
            if (onX) {
                x = getXAxisScreenValue(value);
                y = chart.getHeight() - (getYAxisScreenValueForMax() + gap + bounds.getHeight() / 2);
            } else {
                x = getXAxisScreenValueForMin() - gap - bounds.getWidth() / 2;
                y = chart.getHeight() - getYAxisScreenValue(value);
            }
            super.paint(g);
        }
    }

    /** An XChart marker drawn hollow: the shape in the series colour, then a smaller one in white inside it. */
    static final class Hollow extends org.knowm.xchart.style.markers.Marker {
        private final Marker shape;

        Hollow(Marker shape) {
            this.shape = shape;
        }

        /** The shape it draws hollow. */
        Marker shape() {
            return shape;
        }

        @Override
        public void paint(Graphics2D g, double xOffset, double yOffset, int markerSize) {
            Color colour = g.getColor();
            shape.xchart.paint(g, xOffset, yOffset, markerSize);
            g.setColor(Color.WHITE);
            shape.xchart.paint(g, xOffset, yOffset, Math.max(1, markerSize - 5));
            g.setColor(colour);
        }
    }
}
