package io.losslake.data.partition;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The picture people draw for non-IID splits: clients down, classes across, each cell shaded by
 * the share of the client's examples in that class (white 0, dark 1), with each client's size as a
 * bar on the right. Past {@link #MAX_ROWS} clients, consecutive clients are pooled into one row.
 */
public final class HeatMap {
    static final int MAX_ROWS = 400;

    private HeatMap() {
    }

    /**
     * @param counts    per client, examples per class
     * @param classes   class names for the columns, or null for indices
     * @param title     the caption
     */
    public static void writePng(long[][] counts, List<String> classes, String title, OutputStream out) throws IOException {
        ImageIO.write(render(counts, classes, title), "png", out);
    }

    static BufferedImage render(long[][] counts, List<String> classNames, String title) {
        int clients = counts.length;
        int k = clients == 0 ? 1 : counts[0].length;
        int pool = Math.max(1, (clients + MAX_ROWS - 1) / MAX_ROWS);
        int rows = (clients + pool - 1) / pool;
        long[][] pooled = new long[rows][k];
        long[] sizes = new long[rows];
        long maxSize = 1;
        for (int c = 0; c < clients; c++) {
            for (int j = 0; j < k; j++) {
                pooled[c / pool][j] += counts[c][j];
                sizes[c / pool] += counts[c][j];
            }
        }
        for (long s : sizes) {
            maxSize = Math.max(maxSize, s);
        }
        int cellW = Math.max(12, Math.min(40, 600 / k));
        int cellH = Math.max(1, Math.min(24, 800 / Math.max(1, rows)));
        int left = 90;
        int top = 50;
        int barW = 120;
        int gridW = cellW * k;
        int gridH = cellH * rows;
        int width = left + gridW + 20 + barW + 30;
        int height = top + gridH + 110;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, 10, 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < k; j++) {
                double share = sizes[r] == 0 ? 0 : (double) pooled[r][j] / sizes[r];
                g.setColor(shade(share));
                g.fillRect(left + j * cellW, top + r * cellH, cellW, cellH);
            }
            int bar = (int) Math.round(barW * (double) sizes[r] / maxSize);
            g.setColor(new Color(70, 110, 170));
            g.fillRect(left + gridW + 20, top + r * cellH, bar, Math.max(1, cellH - (cellH > 3 ? 1 : 0)));
        }
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(left, top, gridW, gridH);
        g.setColor(Color.BLACK);
        FontMetrics fm = g.getFontMetrics();
        for (int j = 0; j < k; j++) {
            String label = classNames != null && j < classNames.size() ? classNames.get(j) : Integer.toString(j);
            Graphics2D rotated = (Graphics2D) g.create();
            rotated.translate(left + j * cellW + cellW / 2 + 4, top + gridH + 6);
            rotated.rotate(Math.PI / 2.8);
            rotated.drawString(label, 0, 0);
            rotated.dispose();
        }
        int labelEvery = Math.max(1, (int) Math.ceil(14.0 / cellH));
        for (int r = 0; r < rows; r += labelEvery) {
            String label = pool == 1 ? "client " + r : "clients " + r * pool + "-" + Math.min(clients, (r + 1) * pool) + "";
            g.drawString(label, left - 6 - fm.stringWidth(label), top + r * cellH + Math.min(cellH, 12));
        }
        g.drawString("examples", left + gridW + 20, top - 6);
        g.drawString(Long.toString(maxSize), left + gridW + 20 + barW - fm.stringWidth(Long.toString(maxSize)), top + gridH + 14);
        g.drawString("share of a client's examples per class: white 0, dark 1" + (pool > 1 ? " (" + pool + " clients per row)" : ""),
                10, height - 12);
        g.dispose();
        return image;
    }

    private static Color shade(double share) {
        double t = Math.max(0, Math.min(1, share));
        int r = (int) Math.round(255 - t * (255 - 8));
        int gr = (int) Math.round(255 - t * (255 - 48));
        int b = (int) Math.round(255 - t * (255 - 107));
        return new Color(r, gr, b);
    }
}
