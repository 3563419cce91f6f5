package io.losslake.scaling.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Draws a {@link Figure} as PNG (Java2D) or SVG (text), both through one layout. */
public final class Render {
    static final int WIDTH = 820;
    static final int HEIGHT = 560;
    static final int LEFT = 80;
    static final int RIGHT = 200;
    static final int TOP = 46;
    static final int BOTTOM = 64;
    static final String[] PALETTE = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};

    private Render() {
    }

    /** What a drawing surface must do; PNG and SVG implement it. */
    interface Canvas {
        void polyline(double[] xs, double[] ys, String color, double width, boolean dashed);

        void polygon(double[] xs, double[] ys, String color, double opacity);

        void circle(double x, double y, double r, String color);

        void text(double x, double y, String text, int size, boolean bold, String anchor, boolean vertical);

        void rect(double x, double y, double w, double h, String stroke);
    }

    public static void writePng(Figure figure, OutputStream out) throws IOException {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        draw(figure, new PngCanvas(g));
        g.dispose();
        ImageIO.write(image, "png", out);
    }

    public static String svg(Figure figure) {
        SvgCanvas canvas = new SvgCanvas();
        draw(figure, canvas);
        return canvas.finish();
    }

    public static void writeSvg(Figure figure, OutputStream out) throws IOException {
        out.write(svg(figure).getBytes(StandardCharsets.UTF_8));
    }

    private static void draw(Figure f, Canvas c) {
        double[] xr = range(f, true);
        double[] yr = range(f, false);
        Axis xa = new Axis(xr[0], xr[1], f.logX(), LEFT, WIDTH - RIGHT);
        Axis ya = new Axis(yr[0], yr[1], f.logY(), HEIGHT - BOTTOM, TOP);
        c.text(WIDTH / 2.0 - RIGHT / 2.0, 26, f.title(), 15, true, "middle", false);
        for (double t : xa.ticks()) {
            double px = xa.map(t);
            c.polyline(new double[] {px, px}, new double[] {TOP, HEIGHT - BOTTOM}, "#e6e6e6", 1, false);
            c.text(px, HEIGHT - BOTTOM + 18, label(t, f.logX()), 11, false, "middle", false);
        }
        for (double t : ya.ticks()) {
            double py = ya.map(t);
            c.polyline(new double[] {LEFT, WIDTH - RIGHT}, new double[] {py, py}, "#e6e6e6", 1, false);
            c.text(LEFT - 6, py + 4, label(t, f.logY()), 11, false, "end", false);
        }
        c.rect(LEFT, TOP, WIDTH - RIGHT - LEFT, HEIGHT - BOTTOM - TOP, "#444444");
        c.text((LEFT + WIDTH - RIGHT) / 2.0, HEIGHT - 18, f.xLabel(), 13, false, "middle", false);
        c.text(22, (TOP + HEIGHT - BOTTOM) / 2.0, f.yLabel(), 13, false, "middle", true);
        int legend = 0;
        for (Figure.Series s : f.series()) {
            String color = PALETTE[Math.floorMod(s.group(), PALETTE.length)];
            double[] px = new double[s.x().length];
            double[] py = new double[s.x().length];
            for (int i = 0; i < px.length; i++) {
                px[i] = xa.map(s.x()[i]);
                py[i] = ya.map(s.y()[i]);
            }
            switch (s.kind()) {
                case POINTS -> {
                    for (int i = 0; i < px.length; i++) {
                        if (Double.isFinite(px[i]) && Double.isFinite(py[i])) {
                            c.circle(px[i], py[i], 3.2, color);
                        }
                    }
                }
                case LINE, DASHED -> c.polyline(px, py, color, 2, s.kind() == Figure.Kind.DASHED);
                case BAND -> {
                    double[] bx = new double[2 * px.length];
                    double[] by = new double[2 * px.length];
                    for (int i = 0; i < px.length; i++) {
                        bx[i] = px[i];
                        by[i] = py[i];
                        bx[bx.length - 1 - i] = px[i];
                        by[by.length - 1 - i] = ya.map(s.low()[i]);
                    }
                    c.polygon(bx, by, color, 0.18);
                }
            }
            if (s.name() != null && !s.name().isEmpty() && legend < 22) {
                double ly = TOP + 10 + 18 * legend++;
                double lx = WIDTH - RIGHT + 14;
                if (s.kind() == Figure.Kind.POINTS) {
                    c.circle(lx + 8, ly - 4, 3.2, color);
                } else if (s.kind() == Figure.Kind.BAND) {
                    c.polygon(new double[] {lx, lx + 16, lx + 16, lx}, new double[] {ly - 9, ly - 9, ly + 1, ly + 1}, color, 0.25);
                } else {
                    c.polyline(new double[] {lx, lx + 16}, new double[] {ly - 4, ly - 4}, color, 2, s.kind() == Figure.Kind.DASHED);
                }
                c.text(lx + 22, ly, s.name(), 11, false, "start", false);
            }
        }
    }

    private static double[] range(Figure f, boolean x) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        boolean log = x ? f.logX() : f.logY();
        for (Figure.Series s : f.series()) {
            List<double[]> arrays = new ArrayList<>();
            arrays.add(x ? s.x() : s.y());
            if (!x && s.low() != null) {
                arrays.add(s.low());
            }
            for (double[] a : arrays) {
                for (double v : a) {
                    if (Double.isFinite(v) && (!log || v > 0)) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
            }
        }
        if (!(lo <= hi)) {
            return new double[] {log ? 1 : 0, log ? 10 : 1};
        }
        if (lo == hi) {
            return log ? new double[] {lo / 2, hi * 2} : new double[] {lo - 1, hi + 1};
        }
        if (log) {
            double pad = Math.pow(hi / lo, 0.04);
            return new double[] {lo / pad, hi * pad};
        }
        double pad = (hi - lo) * 0.05;
        return new double[] {lo - pad, hi + pad};
    }

    private static String label(double v, boolean log) {
        if (log) {
            double e = Math.log10(v);
            if (Math.abs(e - Math.rint(e)) < 1e-9 && Math.abs(e) >= 3) {
                return "1e" + (long) Math.rint(e);
            }
        }
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        return a >= 1e4 || a < 1e-3 ? String.format(Locale.ROOT, "%.1e", v) : String.format(Locale.ROOT, "%.4g", v);
    }

    /** Maps data values to pixels and picks readable ticks. */
    record Axis(double lo, double hi, boolean log, double from, double to) {
        double map(double v) {
            if (log) {
                if (!(v > 0)) {
                    return Double.NaN;
                }
                return from + (Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) * (to - from);
            }
            return from + (v - lo) / (hi - lo) * (to - from);
        }

        List<Double> ticks() {
            List<Double> out = new ArrayList<>();
            if (log) {
                int a = (int) Math.floor(Math.log10(lo));
                int b = (int) Math.ceil(Math.log10(hi));
                int step = Math.max(1, (b - a) / 8);
                if (b - a <= 1) {
                    for (int e = a; e <= b; e++) {
                        for (int m = 1; m < 10; m++) {
                            double v = m * Math.pow(10, e);
                            if (v >= lo && v <= hi && (m == 1 || m == 2 || m == 5)) {
                                out.add(v);
                            }
                        }
                    }
                } else {
                    for (int e = a; e <= b; e += step) {
                        double v = Math.pow(10, e);
                        if (v >= lo && v <= hi) {
                            out.add(v);
                        }
                    }
                }
                if (out.size() < 2) {
                    out.clear();
                    for (int i = 0; i <= 4; i++) {
                        out.add(Math.exp(Math.log(lo) + i * (Math.log(hi) - Math.log(lo)) / 4));
                    }
                }
                return out;
            }
            double span = hi - lo;
            double raw = span / 6;
            double mag = Math.pow(10, Math.floor(Math.log10(raw)));
            double step = raw / mag < 2 ? 2 * mag : raw / mag < 5 ? 5 * mag : 10 * mag;
            for (double v = Math.ceil(lo / step) * step; v <= hi; v += step) {
                out.add(Math.abs(v) < step * 1e-9 ? 0 : v);
            }
            return out;
        }
    }

    static final class PngCanvas implements Canvas {
        private final Graphics2D g;

        PngCanvas(Graphics2D g) {
            this.g = g;
        }

        private static Color color(String hex, double opacity) {
            Color c = Color.decode(hex);
            return new Color(c.getRed(), c.getGreen(), c.getBlue(), (int) Math.round(255 * opacity));
        }

        @Override
        public void polyline(double[] xs, double[] ys, String color, double width, boolean dashed) {
            Path2D path = new Path2D.Double();
            boolean started = false;
            for (int i = 0; i < xs.length; i++) {
                if (!Double.isFinite(xs[i]) || !Double.isFinite(ys[i])) {
                    started = false;
                    continue;
                }
                if (started) {
                    path.lineTo(xs[i], ys[i]);
                } else {
                    path.moveTo(xs[i], ys[i]);
                    started = true;
                }
            }
            g.setColor(color(color, 1));
            g.setStroke(dashed ? new BasicStroke((float) width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1, new float[] {6, 4}, 0)
                    : new BasicStroke((float) width));
            g.draw(path);
        }

        @Override
        public void polygon(double[] xs, double[] ys, String color, double opacity) {
            Path2D path = new Path2D.Double();
            boolean started = false;
            for (int i = 0; i < xs.length; i++) {
                if (!Double.isFinite(xs[i]) || !Double.isFinite(ys[i])) {
                    continue;
                }
                if (started) {
                    path.lineTo(xs[i], ys[i]);
                } else {
                    path.moveTo(xs[i], ys[i]);
                    started = true;
                }
            }
            path.closePath();
            g.setColor(color(color, opacity));
            g.fill(path);
        }

        @Override
        public void circle(double x, double y, double r, String color) {
            g.setColor(color(color, 0.85));
            g.fill(new java.awt.geom.Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r));
        }

        @Override
        public void text(double x, double y, String text, int size, boolean bold, String anchor, boolean vertical) {
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, bold ? Font.BOLD : Font.PLAIN, size));
            int w = g.getFontMetrics().stringWidth(text);
            double dx = anchor.equals("middle") ? -w / 2.0 : anchor.equals("end") ? -w : 0;
            if (vertical) {
                Graphics2D r = (Graphics2D) g.create();
                r.translate(x, y);
                r.rotate(-Math.PI / 2);
                r.drawString(text, (float) dx, 0f);
                r.dispose();
            } else {
                g.drawString(text, (float) (x + dx), (float) y);
            }
        }

        @Override
        public void rect(double x, double y, double w, double h, String stroke) {
            g.setColor(color(stroke, 1));
            g.setStroke(new BasicStroke(1));
            g.draw(new java.awt.geom.Rectangle2D.Double(x, y, w, h));
        }
    }

    static final class SvgCanvas implements Canvas {
        private final StringBuilder svg = new StringBuilder();

        SvgCanvas() {
            svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                    + " font-family=\"sans-serif\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        }

        private static String points(double[] xs, double[] ys) {
            StringBuilder p = new StringBuilder();
            for (int i = 0; i < xs.length; i++) {
                if (Double.isFinite(xs[i]) && Double.isFinite(ys[i])) {
                    p.append(String.format(Locale.ROOT, "%.2f,%.2f ", xs[i], ys[i]));
                }
            }
            return p.toString().trim();
        }

        @Override
        public void polyline(double[] xs, double[] ys, String color, double width, boolean dashed) {
            svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\"%s points=\"%s\"/>%n", color, width,
                    dashed ? " stroke-dasharray=\"6,4\"" : "", points(xs, ys)));
        }

        @Override
        public void polygon(double[] xs, double[] ys, String color, double opacity) {
            svg.append(String.format(Locale.ROOT, "<polygon fill=\"%s\" fill-opacity=\"%.2f\" stroke=\"none\" points=\"%s\"/>%n", color, opacity,
                    points(xs, ys)));
        }

        @Override
        public void circle(double x, double y, double r, String color) {
            svg.append(String.format(Locale.ROOT, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"%.1f\" fill=\"%s\" fill-opacity=\"0.85\"/>%n", x, y, r, color));
        }

        @Override
        public void text(double x, double y, String text, int size, boolean bold, String anchor, boolean vertical) {
            String escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
            svg.append(String.format(Locale.ROOT, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"%d\"%s text-anchor=\"%s\"%s>%s</text>%n", x, y, size,
                    bold ? " font-weight=\"bold\"" : "", anchor, vertical ? String.format(Locale.ROOT, " transform=\"rotate(-90 %.2f %.2f)\"", x, y) : "",
                    escaped));
        }

        @Override
        public void rect(double x, double y, double w, double h, String stroke) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"none\" stroke=\"%s\"/>%n", x, y, w, h,
                    stroke));
        }

        String finish() {
            return svg.append("</svg>\n").toString();
        }
    }
}
