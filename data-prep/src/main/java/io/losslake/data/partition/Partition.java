package io.losslake.data.partition;

import java.util.Arrays;

/**
 * An assignment of examples to simulated clients: {@code clients[c]} holds the ascending example
 * indices of client {@code c}. Every example belongs to at most one client.
 *
 * @param scheme  the partitioner's name, e.g. {@code iid}
 * @param clients per client, its example indices in ascending order
 */
public record Partition(String scheme, int[][] clients) implements java.io.Serializable {

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
