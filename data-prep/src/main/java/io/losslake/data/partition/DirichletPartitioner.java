package io.losslake.data.partition;

import io.losslake.common.Param;
import io.losslake.common.NamedDescriptor;
import io.losslake.common.Values;
import io.losslake.data.Seeds;
import io.losslake.data.random.Distributions;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Label skew by Dirichlet allocation (Yurochkin et al., 2019; Hsu et al., 2019), as Flower's
 * {@code DirichletPartitioner} does it: for every class, proportions over the clients are drawn from
 * a symmetric Dirichlet(alpha) and the class's examples are cut in those proportions. Small alpha
 * gives clients dominated by one or two classes; alpha to infinity tends to IID.
 *
 * <p>As in Flower: with self-balancing (the default) a client already holding more than the
 * average number of examples gets no share of later classes; and the whole draw is repeated, up to
 * 10 more times, until every client holds at least {@code minSize} examples. Unlike Flower, each
 * class's examples are shuffled before cutting, so a sorted input does not bias which examples a
 * client gets.
 */
public final class DirichletPartitioner implements Partitioner {
    public static final String NAME = "dirichlet";
    static final int MAX_REDRAWS = 10;

    private final int numClients;
    private final double alpha;
    private final int minSize;
    private final boolean selfBalancing;

    public DirichletPartitioner(int numClients, double alpha, int minSize, boolean selfBalancing) {
        Partitioners.requireClients(numClients);
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("Invalid --alpha " + alpha + ": the Dirichlet concentration must be a positive number.");
        }
        if (minSize < 0) {
            throw new IllegalArgumentException("Invalid --min-size " + minSize + ": expected 0 or more examples per client.");
        }
        this.numClients = numClients;
        this.alpha = alpha;
        this.minSize = minSize;
        this.selfBalancing = selfBalancing;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Partition partition(PartitionInput input, long seed) {
        int n = input.size();
        if ((long) numClients * minSize > n) {
            throw new IllegalArgumentException("Cannot give " + numClients + " clients at least " + minSize + " examples each from "
                    + n + " examples; lower --min-size or --clients.");
        }
        int[][] byClass = input.byClass();
        SplittableRandom random = new SplittableRandom(Seeds.derive(seed, 0xD1));
        double average = (double) n / numClients;
        int smallest = 0;
        for (int draw = 0; draw <= MAX_REDRAWS; draw++) {
            List<List<Integer>> clients = new ArrayList<>(numClients);
            int[] sizes = new int[numClients];
            for (int c = 0; c < numClients; c++) {
                clients.add(new ArrayList<>());
            }
            for (int k = 0; k < byClass.length; k++) {
                int[] members = byClass[k].clone();
                Seeds.shuffle(members, random.nextLong());
                double[] p = Distributions.dirichlet(random, alpha, numClients);
                if (selfBalancing) {
                    double total = 0;
                    double[] balanced = p.clone();
                    for (int c = 0; c < numClients; c++) {
                        if (sizes[c] > average) {
                            balanced[c] = 0;
                        }
                        total += balanced[c];
                    }
                    if (total > 0) {
                        for (int c = 0; c < numClients; c++) {
                            p[c] = balanced[c] / total;
                        }
                    }
                }
                // cut points floor(cumsum(p) * n_k), the last one being n_k itself
                double cumulative = 0;
                int from = 0;
                for (int c = 0; c < numClients; c++) {
                    cumulative += p[c];
                    int to = c == numClients - 1 ? members.length : Math.min(members.length, (int) (cumulative * members.length));
                    for (int i = from; i < to; i++) {
                        clients.get(c).add(members[i]);
                    }
                    sizes[c] += Math.max(0, to - from);
                    from = Math.max(from, to);
                }
            }
            smallest = Integer.MAX_VALUE;
            for (int size : sizes) {
                smallest = Math.min(smallest, size);
            }
            if (smallest >= minSize) {
                int[][] out = new int[numClients][];
                for (int c = 0; c < numClients; c++) {
                    out[c] = clients.get(c).stream().mapToInt(Integer::intValue).toArray();
                }
                return new Partition(NAME, out);
            }
        }
        throw new IllegalArgumentException("Dirichlet(alpha=" + alpha + ") left a client with only " + smallest + " examples in "
                + (MAX_REDRAWS + 1) + " draws, below --min-size " + minSize + "; lower --min-size, raise --alpha or use fewer clients.");
    }

    /** {@code dirichlet --clients --alpha [--min-size] [--self-balancing]}. */
    public static final class Descriptor extends NamedDescriptor implements SchemeDescriptor {
        static final Param<Double> ALPHA = Param.number("alpha", null, "Dirichlet concentration");
        static final Param<Integer> MIN_SIZE = Param.integer("min-size", 10, "fewest examples per client");
        static final Param<Boolean> SELF_BALANCING = Param.bool("self-balancing", true, "stop giving examples to clients above the mean size");

        public Descriptor() {
            super(NAME, "label skew: per class, shares ~ Dirichlet(alpha) (Flower's)", 20, ALPHA, MIN_SIZE, SELF_BALANCING);
        }

        @Override
        public Partitioner create(Integer clients, Values values) {
            return new DirichletPartitioner(clients, values.require(ALPHA), values.get(MIN_SIZE), values.get(SELF_BALANCING));
        }
    }
}
