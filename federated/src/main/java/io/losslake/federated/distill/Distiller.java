package io.losslake.federated.distill;

import io.losslake.data.ClientData;

/** Turns a client's data into a small synthetic set (dataset distillation). Engine-free. */
public interface Distiller extends java.io.Serializable {
    /** The method's name as the command line spells it. */
    String method();

    /**
     * Condenses {@code data}.
     *
     * @param seed     every random draw derives from it (initial images, networks, batches, augmentation)
     * @param progress told after each iteration; may be {@link Progress#NONE}
     */
    SyntheticSet distill(ClientData data, long seed, Progress progress);

    /** Iterations done so far and the current objective, for progress lines. */
    @FunctionalInterface
    interface Progress {
        Progress NONE = (done, total, loss) -> { };

        void iteration(int done, int total, double loss);
    }
}
