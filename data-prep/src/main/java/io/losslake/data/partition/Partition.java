package io.losslake.data.partition;

import java.util.Arrays;

/**
 * An assignment of examples to simulated clients: {@code clients[c]} holds the ascending example
 * indices of client {@code c}. Every example belongs to at most one client. Feature-shift plans
 * also carry one {@link FeatureShift} per client.
 *
 * @param scheme  the partitioner's name, e.g. {@code iid}
 * @param clients per client, its example indices in ascending order
 * @param shifts  per client, the covariate shift applied to its inputs; null when inputs are unchanged
 */
public record Partition(String scheme, int[][] clients, FeatureShift[] shifts) implements java.io.Serializable {

    public Partition {
        if (shifts != null && shifts.length != clients.length) {
            throw new IllegalArgumentException("one feature shift per client expected");
        }
        for (int[] client : clients) {
            Arrays.sort(client);
        }
    }

    public Partition(String scheme, int[][] clients) {
        this(scheme, clients, null);
    }

    public int numClients() {
        return clients.length;
    }

    /** Examples of client {@code c}. */
    public int[] examples(int c) {
        return clients[c];
    }

    public int size(int c) {
        return clients[c].length;
    }

    /** The shift of client {@code c}'s inputs, or null. */
    public FeatureShift shift(int c) {
        return shifts == null ? null : shifts[c];
    }

    /** Total examples dealt out. */
    public long totalExamples() {
        long n = 0;
        for (int[] client : clients) {
            n += client.length;
        }
        return n;
    }

    /** {@code clientOf[i]} = the client holding example {@code i}, or -1 if none, for {@code n} examples. */
    public int[] clientOf(int n) {
        int[] owner = new int[n];
        Arrays.fill(owner, -1);
        for (int c = 0; c < clients.length; c++) {
            for (int i : clients[c]) {
                owner[i] = c;
            }
        }
        return owner;
    }
}
