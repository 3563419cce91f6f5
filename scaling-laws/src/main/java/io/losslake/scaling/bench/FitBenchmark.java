package io.losslake.scaling.bench;

import io.losslake.scaling.fit.Bootstrap;
import io.losslake.scaling.fit.FitData;
import io.losslake.scaling.fit.Fitter;
import io.losslake.scaling.fit.Chinchilla;
import io.losslake.scaling.fit.LawForm;
import java.io.PrintWriter;
import java.util.SplittableRandom;

/**
 * Times the Chinchilla fit with the full 4,500-start grid and a bootstrap on synthetic points drawn
 * from Hoffmann et al.'s published law with 2% multiplicative noise.
 */
public final class FitBenchmark {
    /** Wall times and what was fitted. */
    public record Figures(int points, int starts, double fitSeconds, int resamples, double bootstrapSeconds, double alpha, double beta,
                          int threads) {
    }

    private FitBenchmark() {
    }

    public static FitData hoffmann(int points, long seed) {
        LawForm form = new Chinchilla();
        double[] theta = {Math.log(406.4), Math.log(410.7), Math.log(1.69), 0.34, 0.28};
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[points][];
        double[] y = new double[points];
        for (int i = 0; i < points; i++) {
            double n = Math.exp(Math.log(7e7) + r.nextDouble() * (Math.log(1.6e10) - Math.log(7e7)));
            double d = Math.exp(Math.log(5e9) + r.nextDouble() * (Math.log(5e11) - Math.log(5e9)));
            x[i] = new double[] {n, d};
            y[i] = form.predict(theta, x[i]) * Math.exp(0.02 * (r.nextDouble() * 2 - 1) * Math.sqrt(3));
        }
        return new FitData(x, y);
    }

    public static Figures run(int points, int resamples, PrintWriter out) {
        FitData data = hoffmann(points, 1);
        LawForm form = new Chinchilla();
        // one small warm-up fit so the JIT has compiled the objective before the clock starts
        Fitter.fitFrom(form, data, form.grid().subList(0, 50), Fitter.Options.DEFAULT);
        long t0 = System.nanoTime();
        Fitter.Fit fit = Fitter.fit(form, data, Fitter.Options.DEFAULT);
        double fitSeconds = (System.nanoTime() - t0) / 1e9;
        out.printf("chinchilla fit, %d points, %d starts: %.2f s (alpha %.4f, beta %.4f, E %.4f)%n", points, fit.starts(), fitSeconds,
                fit.parameters().get("alpha"), fit.parameters().get("beta"), fit.parameters().get("E"));
        out.flush();
        long t1 = System.nanoTime();
        Bootstrap.Intervals ci = Bootstrap.run(fit, data, resamples, 7, 0.95, Fitter.Options.DEFAULT);
        double bootSeconds = (System.nanoTime() - t1) / 1e9;
        out.printf("bootstrap, %d resamples: %.2f s (alpha 95%% CI [%.4f, %.4f])%n", resamples, bootSeconds,
                ci.bounds().get("alpha")[0], ci.bounds().get("alpha")[1]);
        out.flush();
        return new Figures(points, fit.starts(), fitSeconds, resamples, bootSeconds, fit.parameters().get("alpha"),
                fit.parameters().get("beta"), java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() + 1);
    }

    public static void main(String[] args) {
        run(args.length > 0 ? Integer.parseInt(args[0]) : 300, args.length > 1 ? Integer.parseInt(args[1]) : 1000,
                new PrintWriter(System.out, true));
    }
}
