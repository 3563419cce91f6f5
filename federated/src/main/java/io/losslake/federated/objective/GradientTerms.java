package io.losslake.federated.objective;

import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;

/**
 * Hooks {@link GradientTerm}s into DL4J training: DL4J calls {@code onGradientCalculation} after
 * back-propagation and before the updater (see BaseOptimizer.gradientAndScore), with the flat
 * gradient view that the updater then consumes.
 */
public final class GradientTerms extends BaseTrainingListener {
    private final List<GradientTerm> terms;

    public GradientTerms(List<GradientTerm> terms) {
        this.terms = List.copyOf(terms);
    }

    @Override
    public void onGradientCalculation(Model model) {
        for (GradientTerm term : terms) {
            term.addGradient(model.params(), model.gradient().gradient(), model.batchSize());
        }
    }
}
