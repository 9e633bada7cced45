package dev.weft.demo;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import javax.imageio.ImageIO;

/**
 * A line plot with logarithmic axes that can be read off: the x axis is labelled at exactly the values given (the
 * measured sizes), the y axis at every decade and at labelled minor ticks in between (more of them the narrower the
 * range), each with a grid line; series get colour-blind-safe colours (Okabe and Ito's palette) and each its own
 * marker, so no two are told apart by colour alone. Points can be drawn hollow (the report's extrapolated times) and
 * a series dashed. Drawn with Java 2D, written as PNG.
 *
 * <p>The configuration ({@link #x()}, {@link #y()}, {@link #series()}) is plain data, so what the plot shows can be
 * checked without looking at pixels.
 *
 * @param title  the title above the plot
 * @param xTitle the x axis title
 * @param yTitle the y axis title
 * @param x      the x axis: range and ticks
 * @param y      the y axis: range and ticks
 * @param series the lines, in legend order
 * @param notes  lines of small print under the legend
 */
record LogPlot(String title, String xTitle, String yTitle, Axis x, Axis y, List<Series> series, List<String> notes) {
    /**
     * Okabe and Ito's colour-blind-safe palette without its yellow (too pale on white), with grey as the eighth:
     * black, orange, sky blue, bluish green, blue, vermillion, reddish purple, grey.
     */
    static final List<Color> PALETTE = List.of(new Color(0x000000), new Color(0xE69F00), new Color(0x56B4E9),
            new Color(0x009E73), new Color(0x0072B2), new Color(0xD55E00), new Color(0xCC79A7), new Color(0x999999));
    private static final int WIDTH = 1100, HEIGHT = 640, LEFT = 90, TOP = 50, BOTTOM = 70, LEGEND = 330;

    LogPlot {
        series = List.copyOf(series);
        notes = List.copyOf(notes);
    }

    /** A marker shape, one per series. */
    enum Marker { CIRCLE, SQUARE, TRIANGLE_UP, DIAMOND, TRIANGLE_DOWN, CROSS, PLUS, STAR }

    /**
     * A tick.
     *
     * @param value where it is, in data units
     * @param label its label, or null for an unlabelled minor tick
     */
    record Tick(double value, String label) {
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
    record Axis(double min, double max, List<Tick> ticks) {
        Axis {
            ticks = List.copyOf(ticks);
        }

        /** The labelled ticks' values. */
        List<Double> labelled() {
            return ticks.stream().filter(Tick::labelled).map(Tick::value).toList();
        }

        /** Where {@code v} falls, 0 at {@link #min} to 1 at {@link #max}. */
        double fraction(double v) {
            return (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
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
    record Series(String name, double[] xs, double[] ys, boolean[] hollow, Color color, Marker marker,
                  boolean dashed) {
    }

    /**
     * The x axis of measured sizes: a labelled tick at each size, unlabelled ones at the decades between, and a
     * margin either side so the end points are not on the frame.
     */
    static Axis sizeAxis(Collection<? extends Number> sizes) {
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
        ticks.sort(java.util.Comparator.comparingDouble(Tick::value));
        return new Axis(min, max, ticks);
    }

    /**
     * A y axis over {@code [lo, hi]} (both above 0) with a little margin: labelled ticks at every decade and, the
     * narrower the range, at more values between ({@code 1, 2, 5} × 10^k over more than 2.5 decades; {@code 1, 2, 3,
     * 5} up to 2.5; {@code 1 ... 9} up to 1.2; and {@code 1.5, 2.5} too below half a decade), the other integer
     * multiples as unlabelled minor ticks.
     */
    static Axis valueAxis(double lo, double hi) {
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

    /** Renders the plot. */
    BufferedImage render() {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            double px = LEFT, py = TOP, pw = WIDTH - LEFT - LEGEND, ph = HEIGHT - TOP - BOTTOM;
            Font tickFont = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
            Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 16);
            Font axisFont = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
            g.setFont(titleFont);
            g.setColor(Color.BLACK);
            centred(g, title, px + pw / 2, TOP - 20);

            // grid and ticks
            g.setFont(tickFont);
            FontMetrics fm = g.getFontMetrics();
            Stroke major = new BasicStroke(1f), minor = new BasicStroke(1f);
            for (Tick t : x.ticks()) {
                double sx = px + x.fraction(t.value()) * pw;
                g.setColor(t.labelled() ? new Color(0xD0D0D0) : new Color(0xEDEDED));
                g.setStroke(t.labelled() ? major : minor);
                g.draw(new Line2D.Double(sx, py, sx, py + ph));
                g.setColor(Color.BLACK);
                g.draw(new Line2D.Double(sx, py + ph, sx, py + ph + (t.labelled() ? 6 : 3)));
                if (t.labelled()) {
                    centred(g, t.label(), sx, py + ph + 8 + fm.getAscent());
                }
            }
            for (Tick t : y.ticks()) {
                double sy = py + ph - y.fraction(t.value()) * ph;
                g.setColor(t.labelled() ? new Color(0xD0D0D0) : new Color(0xEDEDED));
                g.draw(new Line2D.Double(px, sy, px + pw, sy));
                g.setColor(Color.BLACK);
                g.draw(new Line2D.Double(px - (t.labelled() ? 6 : 3), sy, px, sy));
                if (t.labelled()) {
                    g.drawString(t.label(), (float) (px - 9 - fm.stringWidth(t.label())),
                            (float) (sy + fm.getAscent() / 2.0 - 1));
                }
            }
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1.2f));
            g.draw(new Rectangle2D.Double(px, py, pw, ph));
            g.setFont(axisFont);
            centred(g, xTitle, px + pw / 2, HEIGHT - 22);
            Graphics2D rotated = (Graphics2D) g.create();
            rotated.rotate(-Math.PI / 2);
            centred(rotated, yTitle, -(py + ph / 2), 24);
            rotated.dispose();

            // the lines
            Shape clip = g.getClip();
            g.clip(new Rectangle2D.Double(px - 8, py - 8, pw + 16, ph + 16));
            for (Series s : series) {
                g.setColor(s.color());
                g.setStroke(s.dashed() ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                        new float[] {8f, 5f}, 0f) : new BasicStroke(2f));
                Path2D.Double line = new Path2D.Double();
                for (int i = 0; i < s.xs().length; i++) {
                    double sx = px + x.fraction(s.xs()[i]) * pw, sy = py + ph - y.fraction(s.ys()[i]) * ph;
                    if (i == 0) {
                        line.moveTo(sx, sy);
                    } else {
                        line.lineTo(sx, sy);
                    }
                }
                g.draw(line);
                for (int i = 0; i < s.xs().length; i++) {
                    double sx = px + x.fraction(s.xs()[i]) * pw, sy = py + ph - y.fraction(s.ys()[i]) * ph;
                    marker(g, s.marker(), sx, sy, s.color(), s.hollow()[i]);
                }
            }
            g.setClip(clip);

            // the legend
            g.setFont(axisFont);
            fm = g.getFontMetrics();
            double lx = px + pw + 24, ly = py + 8;
            for (Series s : series) {
                g.setColor(s.color());
                g.setStroke(s.dashed() ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                        new float[] {8f, 5f}, 0f) : new BasicStroke(2f));
                g.draw(new Line2D.Double(lx, ly, lx + 36, ly));
                marker(g, s.marker(), lx + 18, ly, s.color(), false);
                g.setColor(Color.BLACK);
                g.drawString(s.name(), (float) (lx + 46), (float) (ly + fm.getAscent() / 2.0 - 1));
                ly += 24;
            }
            g.setFont(tickFont);
            fm = g.getFontMetrics();
            ly += 8;
            for (String note : notes) {
                g.setColor(new Color(0x333333));
                g.drawString(note, (float) lx, (float) (ly + fm.getAscent() / 2.0));
                ly += fm.getHeight() + 2;
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Writes the plot as a PNG. */
    void write(Path file) throws IOException {
        if (!ImageIO.write(render(), "png", file.toFile())) {
            throw new IOException("no PNG writer");
        }
    }

    private static void centred(Graphics2D g, String text, double cx, double baseline) {
        g.drawString(text, (float) (cx - g.getFontMetrics().stringWidth(text) / 2.0), (float) baseline);
    }

    private static void marker(Graphics2D g, Marker m, double cx, double cy, Color color, boolean hollow) {
        double r = 5.5;
        Shape shape = switch (m) {
            case CIRCLE -> new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r);
            case SQUARE -> new Rectangle2D.Double(cx - r * 0.9, cy - r * 0.9, 1.8 * r, 1.8 * r);
            case TRIANGLE_UP -> polygon(cx, cy, r * 1.25, new double[] {-90, 30, 150});
            case TRIANGLE_DOWN -> polygon(cx, cy, r * 1.25, new double[] {90, 210, 330});
            case DIAMOND -> polygon(cx, cy, r * 1.25, new double[] {0, 90, 180, 270});
            case STAR -> star(cx, cy, r * 1.4, r * 0.6);
            case CROSS, PLUS -> null;
        };
        g.setStroke(new BasicStroke(2f));
        if (shape == null) {
            double a = m == Marker.CROSS ? r * 0.9 : r * 1.2;
            g.setColor(color);
            g.setStroke(new BasicStroke(hollow ? 1.5f : 3f));
            if (m == Marker.CROSS) {
                g.draw(new Line2D.Double(cx - a, cy - a, cx + a, cy + a));
                g.draw(new Line2D.Double(cx - a, cy + a, cx + a, cy - a));
            } else {
                g.draw(new Line2D.Double(cx - a, cy, cx + a, cy));
                g.draw(new Line2D.Double(cx, cy - a, cx, cy + a));
            }
            return;
        }
        g.setColor(hollow ? Color.WHITE : color);
        g.fill(shape);
        g.setColor(color);
        g.setStroke(new BasicStroke(1.5f));
        g.draw(shape);
    }

    private static Shape polygon(double cx, double cy, double r, double[] degrees) {
        Path2D.Double p = new Path2D.Double();
        for (int i = 0; i < degrees.length; i++) {
            double a = Math.toRadians(degrees[i]);
            if (i == 0) {
                p.moveTo(cx + r * Math.cos(a), cy + r * Math.sin(a));
            } else {
                p.lineTo(cx + r * Math.cos(a), cy + r * Math.sin(a));
            }
        }
        p.closePath();
        return p;
    }

    private static Shape star(double cx, double cy, double outer, double inner) {
        Path2D.Double p = new Path2D.Double();
        for (int i = 0; i < 10; i++) {
            double a = Math.toRadians(-90 + i * 36), r = i % 2 == 0 ? outer : inner;
            if (i == 0) {
                p.moveTo(cx + r * Math.cos(a), cy + r * Math.sin(a));
            } else {
                p.lineTo(cx + r * Math.cos(a), cy + r * Math.sin(a));
            }
        }
        p.closePath();
        return p;
    }
}
