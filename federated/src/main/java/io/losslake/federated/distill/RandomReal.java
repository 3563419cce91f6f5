package io.losslake.federated.distill;

import io.losslake.data.ClientData;
import java.util.Random;

/**
 * The baseline every distillation paper reports: {@code ipc} real examples per class drawn at random
 * (a class with fewer keeps all it has).
 */
public record RandomReal(int ipc) implements Distiller {
    public RandomReal {
        DmSettings.checkIpc(ipc);
    }

    @Override
    public String method() {
        return "random";
    }

    @Override
    public SyntheticSet distill(ClientData data, long seed, Progress progress) {
        ClassIndex index = new ClassIndex(data);
        int[] budget = index.budget(ipc);
        int d = data.featureSize();
        int n = java.util.Arrays.stream(budget).sum();
        float[] x = new float[n * d];
        int[] y = new int[n];
        Random rng = new Random(seed);
        int at = 0;
        for (int c = 0; c < budget.length; c++) {
            for (int p : index.draw(c, budget[c], rng)) {
                data.copyFeatures(p, x, at * d);
                y[at++] = c;
            }
        }
        progress.iteration(1, 1, Double.NaN);
        return new SyntheticSet(data.clientId(), x, y, DmSettings.side(d), data.numClasses(), Double.NaN);
    }
}
