package io.losslake.data.partition;

import io.losslake.data.Seeds;
import java.util.Arrays;

/**
 * Independent and identically distributed: a seeded uniform shuffle cut into {@code numClients}
 * contiguous pieces whose sizes differ by at most one, so every client's label distribution is a
 * uniform sample of the global one.
 */
public final class IidPartitioner implements Partitioner {
    public static final String NAME = "iid";

    private final int numClients;

    public IidPartitioner(int numClients) {
        if (numClients < 1) {
            throw new IllegalArgumentException("The number of clients must be at least 1 (got " + numClients + ").");
        }
        this.numClients = numClients;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int numClients() {
        return numClients;
    }

    @Override
    public Partition partition(int[] labels, int numClasses, long seed) {
        int n = labels.length;
        if (n < numClients) {
            throw new IllegalArgumentException("Cannot deal " + n + " examples to " + numClients
                    + " clients: the iid scheme gives every client at least one example.");
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Seeds.shuffle(order, Seeds.derive(seed, 0x11D));
        int[][] clients = new int[numClients][];
        int base = n / numClients;
        int extra = n % numClients;
        int from = 0;
        for (int c = 0; c < numClients; c++) {
            int size = base + (c < extra ? 1 : 0);
            clients[c] = Arrays.copyOfRange(order, from, from + size);
            Arrays.sort(clients[c]);
            from += size;
        }
        return new Partition(NAME, clients);
    }
}
