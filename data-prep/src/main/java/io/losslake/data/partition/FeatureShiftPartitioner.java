package io.losslake.data.partition;

import io.losslake.common.Param;
import io.losslake.common.NamedDescriptor;
import io.losslake.common.Values;
import io.losslake.data.Seeds;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Feature (covariate) shift at fixed labels: examples are dealt IID, and each client gets its own
 * seeded {@link FeatureShift}: noise level uniform in [0, noise], rotation uniform in
 * [-rotation, rotation] degrees, brightness uniform in [-brightness, brightness].
 */
public final class FeatureShiftPartitioner implements Partitioner {
    public static final String NAME = "feature-shift";

    private final IidPartitioner assignment;
    private final int numClients;
    private final double noise;
    private final double rotation;
    private final double brightness;

    public FeatureShiftPartitioner(int numClients, double noise, double rotation, double brightness) {
        this.assignment = new IidPartitioner(numClients);
        if (!(noise >= 0) || !(rotation >= 0 && rotation <= 180) || !(brightness >= 0)
                || Double.isInfinite(noise) || Double.isInfinite(brightness)) {
            throw new IllegalArgumentException("Invalid feature shift (--noise " + noise + ", --rotation " + rotation + ", --brightness "
                    + brightness + "): expected noise >= 0, rotation in [0, 180] degrees and brightness >= 0.");
        }
        if (noise == 0 && rotation == 0 && brightness == 0) {
            throw new IllegalArgumentException("The feature-shift scheme needs at least one of --noise, --rotation or --brightness above 0.");
        }
        this.numClients = numClients;
        this.noise = noise;
        this.rotation = rotation;
        this.brightness = brightness;
    }

    @Override
    public String name() {
        return NAME;
    }

    public boolean rotates() {
        return rotation > 0;
    }

    @Override
    public Partition partition(PartitionInput input, long seed) {
        Partition iid = assignment.partition(input, seed);
        FeatureShift[] shifts = new FeatureShift[numClients];
        for (int c = 0; c < numClients; c++) {
            SplittableRandom random = new SplittableRandom(Seeds.derive(seed, 0xF5, c));
            double n = noise * random.nextDouble();
            double r = rotation * (2 * random.nextDouble() - 1);
            double b = brightness * (2 * random.nextDouble() - 1);
            shifts[c] = new FeatureShift(n, r, b, random.nextLong());
        }
        return new Partition(NAME, iid.clients(), shifts);
    }

    /** {@code feature-shift --clients [--noise] [--rotation] [--brightness]}. */
    public static final class Descriptor extends NamedDescriptor implements SchemeDescriptor {
        static final Param<Double> NOISE = Param.number("noise", 0.0, "largest per-client noise std");
        static final Param<Double> ROTATION = Param.number("rotation", 0.0, "largest per-client rotation, degrees (images)");
        static final Param<Double> BRIGHTNESS = Param.number("brightness", 0.0, "largest per-client brightness offset");

        public Descriptor() {
            super(NAME, "per-client covariate shift, IID labels", 50, NOISE, ROTATION, BRIGHTNESS);
        }

        @Override
        public Partitioner create(Integer clients, Values values) {
            return new FeatureShiftPartitioner(clients, values.get(NOISE), values.get(ROTATION), values.get(BRIGHTNESS));
        }
    }
}
