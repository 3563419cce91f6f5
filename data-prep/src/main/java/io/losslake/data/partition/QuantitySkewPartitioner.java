package io.losslake.data.partition;

import io.losslake.common.Param;
import io.losslake.common.NamedDescriptor;
import io.losslake.common.Values;
import io.losslake.data.Seeds;
import io.losslake.data.random.Distributions;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Quantity skew: clients hold very different numbers of examples, each an IID sample of the labels.
 * Every client first gets {@code minSize} examples; the rest is shared in proportions drawn from
 * <ul>
 *   <li>{@code dirichlet}: p ~ Dirichlet(alpha, ..., alpha), so each client's share has mean 1/K and
 *       variance (1/K)(1 - 1/K)/(K alpha + 1);</li>
 *   <li>{@code power}: a rank-size (Zipf) law p_r proportional to r^-exponent for ranks r = 1..K,
 *       the ranks assigned to clients in a seeded random order.</li>
 * </ul>
 * Sizes are rounded by largest remainders, so they sum to the dataset size exactly.
 */
public final class QuantitySkewPartitioner implements Partitioner {
    public static final String NAME = "quantity";

    /** How client sizes are drawn. */
    public enum Law {
        DIRICHLET, POWER
    }

    private final int numClients;
    private final Law law;
    private final double parameter;
    private final int minSize;

    /**
     * @param parameter alpha for {@link Law#DIRICHLET}, the exponent for {@link Law#POWER}
     */
    public QuantitySkewPartitioner(int numClients, Law law, double parameter, int minSize) {
        Partitioners.requireClients(numClients);
        if (law == Law.DIRICHLET && (!(parameter > 0) || Double.isInfinite(parameter))) {
            throw new IllegalArgumentException("Invalid --alpha " + parameter + ": the Dirichlet concentration must be a positive number.");
        }
        if (law == Law.POWER && (!(parameter > 0) || Double.isInfinite(parameter))) {
            throw new IllegalArgumentException("Invalid --exponent " + parameter + ": the power-law exponent must be a positive number.");
        }
        if (minSize < 1) {
            throw new IllegalArgumentException("Invalid --min-size " + minSize + ": quantity skew gives every client at least 1 example.");
        }
        this.numClients = numClients;
        this.law = law;
        this.parameter = parameter;
        this.minSize = minSize;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The client sizes for {@code n} examples, in client order. */
    public int[] sizes(int n, long seed) {
        if ((long) numClients * minSize > n) {
            throw new IllegalArgumentException("Cannot give " + numClients + " clients at least " + minSize + " examples each from "
                    + n + " examples; lower --min-size or --clients.");
        }
        SplittableRandom random = new SplittableRandom(Seeds.derive(seed, 0x0A));
        double[] weights;
        if (law == Law.DIRICHLET) {
            weights = Distributions.dirichlet(random, parameter, numClients);
        } else {
            int[] rankOf = Cuts.range(numClients);
            Seeds.shuffle(rankOf, random.nextLong());
            weights = new double[numClients];
            for (int c = 0; c < numClients; c++) {
                weights[c] = Math.pow(rankOf[c] + 1, -parameter);
            }
        }
        int[] sizes = Cuts.proportional(n - numClients * minSize, weights);
        for (int c = 0; c < numClients; c++) {
            sizes[c] += minSize;
        }
        return sizes;
    }

    @Override
    public Partition partition(PartitionInput input, long seed) {
        int n = input.size();
        int[] sizes = sizes(n, seed);
        int[] order = Cuts.range(n);
        Seeds.shuffle(order, Seeds.derive(seed, 0x0B));
        return new Partition(NAME, Cuts.pieces(order, sizes));
    }

    /** {@code quantity --clients [--law dirichlet --alpha | --law power --exponent] [--min-size]}. */
    public static final class Descriptor extends NamedDescriptor implements SchemeDescriptor {
        static final Param<String> LAW = Param.choice("law", "dirichlet", "how sizes are drawn", List.of("dirichlet", "power"));
        static final Param<Double> ALPHA = Param.number("alpha", null, "Dirichlet concentration");
        static final Param<Double> EXPONENT = Param.number("exponent", null, "rank-size exponent (--law power)");
        static final Param<Integer> MIN_SIZE = Param.integer("min-size", 1, "fewest examples per client");

        public Descriptor() {
            super(NAME, "size skew, IID labels: Dirichlet(alpha) or r^-exponent shares", 40, LAW, ALPHA, EXPONENT, MIN_SIZE);
        }

        @Override
        public Partitioner create(Integer clients, Values values) {
            if (values.get(LAW).equals("dirichlet")) {
                if (values.has(EXPONENT)) {
                    throw new IllegalArgumentException("--exponent applies to --law power, not dirichlet.");
                }
                return new QuantitySkewPartitioner(clients, Law.DIRICHLET, values.require(ALPHA), values.get(MIN_SIZE));
            }
            if (values.has(ALPHA)) {
                throw new IllegalArgumentException("--alpha applies to --law dirichlet, not power.");
            }
            return new QuantitySkewPartitioner(clients, Law.POWER, values.require(EXPONENT), values.get(MIN_SIZE));
        }
    }
}
