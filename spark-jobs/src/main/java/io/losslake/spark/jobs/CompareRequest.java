package io.losslake.spark.jobs;

import io.losslake.common.Catalog;
import io.losslake.federated.strategy.StrategyDescriptor;
import io.losslake.federated.strategy.Strategies;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One federated setting under several strategies and seeds.
 *
 * @param base the setting; its strategy options may name options of any of {@code strategies}: each
 *             run gets the ones its strategy takes
 */
public record CompareRequest(List<String> strategies, List<Long> seeds, FederateRequest base) {
    public CompareRequest {
        strategies = List.copyOf(strategies);
        seeds = List.copyOf(seeds);
    }

    /**
     * Checks everything that can be checked without Spark: known strategies, every strategy option
     * taken by at least one of them, and each run's request.
     */
    public void check() {
        if (strategies.isEmpty() || seeds.isEmpty()) {
            throw new IllegalArgumentException("compare needs at least one of --strategies and of --seeds.");
        }
        for (String s : strategies) {
            if (!Strategies.catalog().contains(s)) {
                throw new IllegalArgumentException("Invalid --strategies entry '" + s + "': expected some of " + String.join(", ", Strategies.NAMES) + ".");
            }
        }
        for (String key : base.strategyOptions().keySet()) {
            if (strategies.stream().noneMatch(s -> Catalog.paramOf(Strategies.descriptor(s), key) != null)) {
                List<String> takers = Strategies.catalog().byOption().getOrDefault(key, List.of()).stream().map(StrategyDescriptor::name).toList();
                throw new IllegalArgumentException("--" + key + " applies to none of the compared strategies (" + String.join(", ", strategies) + ")"
                        + (takers.isEmpty() ? "." : "; " + String.join(", ", takers) + " take" + (takers.size() == 1 ? "s" : "") + " it."));
            }
        }
        for (String s : strategies) {
            run(s, seeds.get(0)).check();
        }
    }

    /** The request of one run: {@code strategy} with the options it takes, and {@code seed}. */
    public FederateRequest run(String strategy, long seed) {
        StrategyDescriptor d = Strategies.descriptor(strategy);
        Map<String, String> options = new TreeMap<>();
        base.strategyOptions().forEach((k, v) -> {
            if (Catalog.paramOf(d, k) != null) {
                options.put(k, v);
            }
        });
        return base.withStrategy(d.name(), options).withSeed(seed);
    }
}
