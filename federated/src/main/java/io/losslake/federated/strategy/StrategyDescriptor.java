package io.losslake.federated.strategy;

import io.losslake.common.Descriptor;
import io.losslake.common.Values;

/**
 * A strategy as users choose it: its name, help line, options and factory, declared in the
 * strategy's own file (as a nested {@code Descriptor} class). {@link Strategies} finds every one in
 * this package, and the command line, help texts and config keys are generated from them.
 */
public interface StrategyDescriptor extends Descriptor {
    Kind KIND = new Kind("--strategy", "strategy", "options");

    /**
     * The strategy with {@code values} (already checked against {@link #params()}) for a run
     * described by {@code context}.
     *
     * @throws IllegalArgumentException one sentence naming a bad option value
     */
    AggregationStrategy create(Values values, Strategies.Context context);

    @Override
    default Kind kind() {
        return KIND;
    }
}
