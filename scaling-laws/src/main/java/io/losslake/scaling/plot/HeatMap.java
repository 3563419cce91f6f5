package io.losslake.scaling.plot;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A grid of values as coloured cells (rows top to bottom, columns left to right), on a diverging
 * scale symmetric about zero: blue below, white at zero, red above; missing cells (NaN) grey. Drawn
 * through the same canvases as {@link Figure}.
 *
 * @param values rows x columns
 */
public record HeatMap(String title, String xLabel, String yLabel, List<String> columns, List<String> rows, double[][] values, String scaleLabel) {
    public HeatMap {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
        if (values.length != rows.size()) {
            throw new IllegalArgumentException(values.length + " rows of values for " + rows.size() + " row labels");
        }
        for (double[] r : values) {
            if (r.length != columns.size()) {
                throw new IllegalArgumentException(r.length + " values in a row for " + columns.size() + " columns");
            }
        }
    }

    /** The largest |value|, the scale's end (1 when every value is zero or missing). */
    public double scale() {
        double m = 0;
        for (double[] r : values) {
            for (double v : r) {
                if (Double.isFinite(v)) {
                    m = Math.max(m, Math.abs(v));
                }
            }
        }
        return m == 0 ? 1 : m;
    }

    /** The colour of {@code v} on a scale ending at {@code scale}, as #rrggbb. */
    static String color(double v, double scale) {
        if (!Double.isFinite(v)) {
            return "#bdbdbd";
        }
        double t = Math.max(-1, Math.min(1, v / scale));
        int[] end = t >= 0 ? new int[] {178, 24, 43} : new int[] {33, 102, 172};
        double a = Math.abs(t);
        int r = (int) Math.round(255 + (end[0] - 255) * a);
        int g = (int) Math.round(255 + (end[1] - 255) * a);
        int b = (int) Math.round(255 + (end[2] - 255) * a);
        return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b);
    }

    public void writePng(OutputStream out) throws IOException {
        BufferedImage image = new BufferedImage(Render.WIDTH, Render.HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, Render.WIDTH, Render.HEIGHT);
        draw(new Render.PngCanvas(g));
        g.dispose();
        ImageIO.write(image, "png", out);
    }

    public String svg() {
        Render.SvgCanvas canvas = new Render.SvgCanvas();
        draw(canvas);
        return canvas.finish();
    }

    public void writeSvg(OutputStream out) throws IOException {
        out.write(svg().getBytes(StandardCharsets.UTF_8));
    }

    private void draw(Render.Canvas c) {
        int left = 150;
        int right = Render.RIGHT - 60;
        double x0 = left;
        double x1 = Render.WIDTH - right;
        double y0 = Render.TOP;
        double y1 = Render.HEIGHT - Render.BOTTOM;
        double cw = (x1 - x0) / columns.size();
        double ch = (y1 - y0) / rows.size();
        double scale = scale();
        c.text(Render.WIDTH / 2.0 - right / 2.0, 26, title, 15, true, "middle", false);
        for (int i = 0; i < rows.size(); i++) {
            for (int j = 0; j < columns.size(); j++) {
                double x = x0 + j * cw;
                double y = y0 + i * ch;
                c.polygon(new double[] {x, x + cw, x + cw, x}, new double[] {y, y, y + ch, y + ch}, color(values[i][j], scale), 1);
            }
            c.text(x0 - 6, y0 + (i + 0.5) * ch + 4, rows.get(i), 11, false, "end", false);
        }
        int every = Math.max(1, (int) Math.ceil(columns.size() / 20.0));
        for (int j = 0; j < columns.size(); j += every) {
            c.text(x0 + (j + 0.5) * cw, y1 + 16, columns.get(j), 11, false, "middle", false);
        }
        c.rect(x0, y0, x1 - x0, y1 - y0, "#444444");
        c.text((x0 + x1) / 2, Render.HEIGHT - 18, xLabel, 13, false, "middle", false);
        c.text(18, (y0 + y1) / 2, yLabel, 13, false, "middle", true);
        // the scale: -max .. +max, top to bottom
        double sx = x1 + 24;
        int steps = 40;
        double sh = (y1 - y0) / steps;
        for (int k = 0; k < steps; k++) {
            double v = scale * (1 - 2.0 * (k + 0.5) / steps);
            c.polygon(new double[] {sx, sx + 16, sx + 16, sx}, new double[] {y0 + k * sh, y0 + k * sh, y0 + (k + 1) * sh, y0 + (k + 1) * sh},
                    color(v, scale), 1);
        }
        c.rect(sx, y0, 16, y1 - y0, "#444444");
        c.text(sx + 20, y0 + 8, String.format(Locale.ROOT, "%.3g", scale), 11, false, "start", false);
        c.text(sx + 20, (y0 + y1) / 2 + 4, "0", 11, false, "start", false);
        c.text(sx + 20, y1, String.format(Locale.ROOT, "%.3g", -scale), 11, false, "start", false);
        c.text(sx + 8, y0 - 8, scaleLabel, 11, false, "middle", false);
    }
}
