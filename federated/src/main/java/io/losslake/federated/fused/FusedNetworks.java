package io.losslake.federated.fused;

import io.losslake.federated.model.CnnSpec;
import io.losslake.federated.model.LossSpec;
import io.losslake.federated.model.MlpSpec;
import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.model.OptimizerSpec;
import io.losslake.federated.objective.GradientTerm;
import java.util.List;

/** The fused network for a model spec. */
public final class FusedNetworks {
    private FusedNetworks() {
    }

    /** Whether the fused path takes {@code spec}: MLPs and the CNN. */
    public static boolean supports(ModelSpec spec) {
        return FusedMlp.supports(spec) || FusedCnn.supports(spec);
    }

    public static FusedNetwork of(ModelSpec spec, float[] weights, OptimizerSpec optimizer, LossSpec loss, List<GradientTerm> terms) {
        if (spec instanceof CnnSpec cnn) {
            return new FusedCnn(cnn, weights, optimizer, loss, terms);
        }
        if (spec instanceof MlpSpec mlp) {
            return new FusedMlp(mlp, weights, optimizer, loss, terms);
        }
        throw new IllegalArgumentException("the fused path does not take " + spec.describe());
    }

    /**
     * Checks the BLAS setting (LOSSLAKE_BLAS or -Dlosslake.blas) without loading a library.
     *
     * @throws IllegalArgumentException one sentence when it names no backend
     */
    public static void checkBlasSetting() {
        Blas.setting();
    }

    /** Which BLAS the fused path multiplies with in this JVM (see {@code Blas}). */
    public static String blas() {
        return Blas.describe();
    }

    /** The file of the BLAS library the fused path multiplies with, or null when unknown. */
    public static String blasLibrary() {
        return Blas.library();
    }

    /** For inference: plain cross-entropy, no gradient terms. */
    public static FusedNetwork of(ModelSpec spec, float[] weights, OptimizerSpec optimizer) {
        return of(spec, weights, optimizer, LossSpec.CROSS_ENTROPY, List.of());
    }
}
