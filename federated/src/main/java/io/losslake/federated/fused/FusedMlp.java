package io.losslake.federated.fused;

import io.losslake.federated.model.LossSpec;
import io.losslake.federated.model.MlpSpec;
import io.losslake.federated.model.OptimizerSpec;
import io.losslake.federated.objective.GradientTerm;
import java.util.List;

/**
 * Training of an MLP (ReLU hidden layers, softmax output) without DL4J's per-operation machinery:
 * activations, gradients and optimiser state are Java arrays, the three matrix products per layer go
 * to OpenBLAS, everything elementwise is a plain loop. The parameter vector has DL4J's layout (per
 * layer W, stored column-major [in, out], then b), the loss is DL4J's mean over the batch, and the
 * optimisers follow DL4J's update rules (see {@link Parameters}), so weights move interchangeably
 * with a DL4J network (tests check gradients to 1e-6 relative).
 */
public final class FusedMlp extends FusedBase {
    private final int inputs;
    private final Parameters params;
    private final DenseStack dense;

    public FusedMlp(MlpSpec spec, float[] weights, OptimizerSpec optimizer, LossSpec loss, List<GradientTerm> terms) {
        int layers = spec.hidden().length + 1;
        int[] sizes = new int[layers + 1];
        sizes[0] = spec.inputs();
        System.arraycopy(spec.hidden(), 0, sizes, 1, spec.hidden().length);
        sizes[layers] = spec.outputs();
        inputs = spec.inputs();
        params = new Parameters(spec.describe(), DenseStack.blockSizes(sizes), weights, optimizer, terms);
        dense = new DenseStack(sizes, 0, loss);
    }

    /** Whether this path trains {@code spec}. */
    public static boolean supports(Object spec) {
        return spec instanceof MlpSpec;
    }

    @Override
    Parameters params() {
        return params;
    }

    @Override
    double dataLossAndGradient(float[] x, int[] labels, int batch) {
        dense.ensure(batch);
        System.arraycopy(x, 0, dense.input(), 0, batch * inputs);
        return dense.forwardBackward(params, labels, batch, false);
    }

    @Override
    public float[] logits(float[] x, int batch) {
        dense.ensure(batch);
        System.arraycopy(x, 0, dense.input(), 0, batch * inputs);
        return dense.forward(params, batch);
    }
}
