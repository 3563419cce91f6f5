package io.losslake.data.partition;

import java.util.Arrays;

/**
 * How heterogeneous a partition is, per client and overall, measured on labels.
 *
 * <p>Per client, with p its label distribution and q the global one: total-variation distance
 * TV = 1/2 sum_k |p_k - q_k| (in [0, 1]); earth mover's distance as Zhao et al. (2018, "Federated
 * Learning with Non-IID Data") use it, EMD = sum_k |p_k - q_k| (= 2 TV, in [0, 2]); Shannon entropy
 * H(p) in nats (0 for a single-label client, ln K for a uniform one). An empty client has NaN
 * distances and entropy.
 */
public final class PartitionStats {
    private PartitionStats() {
    }

    /** One client's figures. */
    public record Client(int clientId, int examples, long[] labelCounts, int labelsPresent, double tvDistance, double emd,
                         double entropy) {
    }

    /** The plan's figures: sizes, and the per-client measures averaged (unweighted) over non-empty clients. */
    public record Summary(int clients, long examples, long[] labelCounts, int emptyClients, int minSize, double medianSize,
                          int maxSize, double meanSize, double sizeStd, double meanTvDistance, double maxTvDistance,
                          double meanEmd, double meanEntropy, double globalEntropy, double meanLabelsPresent) {
    }

    public static Client[] clients(Partition partition, int[] labels, int numClasses) {
        double[] global = distribution(histogram(labels, null, numClasses));
        Client[] out = new Client[partition.numClients()];
        for (int c = 0; c < out.length; c++) {
            long[] counts = histogram(labels, partition.examples(c), numClasses);
            int present = 0;
            for (long k : counts) {
                present += k > 0 ? 1 : 0;
            }
            int n = partition.size(c);
            double l1 = Double.NaN;
            double entropy = Double.NaN;
            if (n > 0) {
                double[] p = distribution(counts);
                l1 = 0;
                for (int k = 0; k < numClasses; k++) {
                    l1 += Math.abs(p[k] - global[k]);
                }
                entropy = entropy(p);
            }
            out[c] = new Client(c, n, counts, present, l1 / 2, l1, entropy);
        }
        return out;
    }

    public static Summary summary(Client[] clients, int[] labels, int numClasses) {
        int[] sizes = Arrays.stream(clients).mapToInt(Client::examples).sorted().toArray();
        long total = 0;
        int empty = 0;
        double tvSum = 0;
        double tvMax = 0;
        double emdSum = 0;
        double entropySum = 0;
        double presentSum = 0;
        for (Client c : clients) {
            total += c.examples();
            if (c.examples() == 0) {
                empty++;
                continue;
            }
            tvSum += c.tvDistance();
            tvMax = Math.max(tvMax, c.tvDistance());
            emdSum += c.emd();
            entropySum += c.entropy();
            presentSum += c.labelsPresent();
        }
        int k = sizes.length;
        int nonEmpty = k - empty;
        double mean = (double) total / k;
        double var = 0;
        for (int s : sizes) {
            var += (s - mean) * (s - mean);
        }
        double median = k % 2 == 1 ? sizes[k / 2] : (sizes[k / 2 - 1] + sizes[k / 2]) / 2.0;
        long[] globalCounts = histogram(labels, null, numClasses);
        return new Summary(k, total, globalCounts, empty, sizes[0], median, sizes[k - 1], mean, Math.sqrt(var / k),
                nonEmpty == 0 ? Double.NaN : tvSum / nonEmpty, tvMax, nonEmpty == 0 ? Double.NaN : emdSum / nonEmpty,
                nonEmpty == 0 ? Double.NaN : entropySum / nonEmpty, entropy(distribution(globalCounts)),
                nonEmpty == 0 ? Double.NaN : presentSum / nonEmpty);
    }

    static long[] histogram(int[] labels, int[] subset, int numClasses) {
        long[] counts = new long[numClasses];
        if (subset == null) {
            for (int label : labels) {
                counts[label]++;
            }
        } else {
            for (int i : subset) {
                counts[labels[i]]++;
            }
        }
        return counts;
    }

    static double[] distribution(long[] counts) {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        double[] p = new double[counts.length];
        for (int k = 0; k < counts.length; k++) {
            p[k] = n == 0 ? 0 : (double) counts[k] / n;
        }
        return p;
    }

    static double entropy(double[] p) {
        double h = 0;
        for (double x : p) {
            if (x > 0) {
                h -= x * Math.log(x);
            }
        }
        return h;
    }
}
