package io.losslake.scaling.plot;

import static org.assertj.core.api.Assertions.assertThat;

import io.losslake.scaling.fit.Bootstrap;
import io.losslake.scaling.fit.FitData;
import io.losslake.scaling.fit.Fitter;
import io.losslake.scaling.fit.Chinchilla;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PlotsTest {
    @Test
    void drawsAFittedLawAsPngAndSvg() throws Exception {
        // a sweep's design: 5 model sizes x 8 data budgets
        double[][] x = new double[40][];
        double[] y = new double[40];
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 8; j++) {
                double n = 1e7 * Math.pow(3, i);
                double d = 1e8 * Math.pow(2.5, j);
                x[i * 8 + j] = new double[] {n, d};
                y[i * 8 + j] = (1.69 + 406.4 / Math.pow(n, 0.34) + 410.7 / Math.pow(d, 0.28)) * (1 + 0.01 * Math.sin(i * 8 + j));
            }
        }
        FitData data = new FitData(x, y);
        Fitter.Fit fit = Fitter.fitFrom(new Chinchilla(), data, new Chinchilla().grid().subList(0, 200), Fitter.Options.DEFAULT);
        Bootstrap.Intervals ci = Bootstrap.run(fit, data, 20, 1, 0.95, Fitter.Options.DEFAULT);
        Figure figure = Plots.lossVsCompute("Chinchilla law", List.of(new Plots.Group("synthetic", data, fit, ci)));
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        Render.writePng(figure, png);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png.toByteArray()));
        assertThat(image.getWidth()).isEqualTo(Render.WIDTH);
        // something was drawn in the plot area: not all white
        int colored = 0;
        for (int px = Render.LEFT; px < Render.WIDTH - Render.RIGHT; px += 3) {
            for (int py = Render.TOP; py < Render.HEIGHT - Render.BOTTOM; py += 3) {
                int rgb = image.getRGB(px, py) & 0xFFFFFF;
                colored += rgb != 0xFFFFFF && rgb != 0xE6E6E6 ? 1 : 0;
            }
        }
        assertThat(colored).isGreaterThan(100);
        String svg = Render.svg(figure);
        assertThat(svg).startsWith("<svg").contains("<circle", "<polyline", "Chinchilla law", "compute-optimal").endsWith("</svg>\n");
    }
}
