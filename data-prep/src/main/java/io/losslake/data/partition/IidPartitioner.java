package io.losslake.data.partition;

import io.losslake.common.NamedDescriptor;
import io.losslake.common.Values;
import io.losslake.data.Seeds;

/**
 * Independent and identically distributed: a seeded uniform shuffle cut into {@code numClients}
 * contiguous pieces whose sizes differ by at most one, so every client's label distribution is a
 * uniform sample of the global one.
 */
public final class IidPartitioner implements Partitioner {
    public static final String NAME = "iid";

    private final int numClients;

    public IidPartitioner(int numClients) {
        Partitioners.requireClients(numClients);
        this.numClients = numClients;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Partition partition(PartitionInput input, long seed) {
        int n = input.size();
        if (n < numClients) {
            throw new IllegalArgumentException("Cannot deal " + n + " examples to " + numClients
                    + " clients: the iid scheme gives every client at least one example.");
        }
        int[] order = Cuts.range(n);
        Seeds.shuffle(order, Seeds.derive(seed, 0x11D));
        return new Partition(NAME, Cuts.pieces(order, Cuts.even(n, numClients)));
    }

    /** {@code iid --clients}. */
    public static final class Descriptor extends NamedDescriptor implements SchemeDescriptor {
        public Descriptor() {
            super(NAME, "uniform shuffle, equal sizes", 10);
        }

        @Override
        public Partitioner create(Integer clients, Values values) {
            return new IidPartitioner(clients);
        }
    }
}
