package io.losslake.spark.bench;

import io.losslake.data.DenseClientData;
import java.io.PrintWriter;
import java.nio.FloatBuffer;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.RDDInfo;

/**
 * Whether caching clients as Arrow columnar buffers would pay: the cached clients' bytes per
 * example in Spark's block manager against the raw float bytes and against the same clients in
 * off-heap Arrow vectors, what building the vectors costs, and how fast a shuffled minibatch is
 * gathered from each (the fused trainer needs each batch contiguous in a float[] for its BLAS
 * calls, so a shuffled batch is one row copy per example either way).
 */
final class ArrowCache {
    private ArrowCache() {
    }

    /** Prints the comparison for {@code clients} (cached in Spark); {@code largest} is gathered from. */
    static void compare(PrintWriter out, JavaSparkContext jsc, JavaRDD<DenseClientData> clients, List<Integer> sizes, DenseClientData largest,
                        int batchSize, int epochs) {
        long examples = sizes.stream().mapToLong(Integer::longValue).sum();
        int d = largest.featureSize();
        double raw = d * 4.0 + 4; // features and label
        long cached = 0;
        for (RDDInfo info : jsc.sc().getRDDStorageInfo()) {
            if (info.id() == clients.id()) {
                cached = info.memSize() + info.diskSize();
            }
        }
        out.printf("Spark's cache of the clients (deserialised DenseClientData): %,.0f bytes per example = %.3f x the raw %,.0f (%d floats + a label)%n",
                (double) cached / examples, cached / examples / raw, raw, d);

        // the same clients as Arrow vectors on the executors: built there, only their sizes come back
        long t0 = System.nanoTime();
        List<long[]> built = clients.mapPartitions(it -> {
            java.util.List<long[]> sized = new java.util.ArrayList<>();
            try (BufferAllocator allocator = new RootAllocator()) {
                while (it.hasNext()) {
                    DenseClientData c = it.next();
                    try (Float4Vector features = toArrow(c, allocator); IntVector labels = labels(c, allocator)) {
                        sized.add(new long[] {c.size(), features.getBufferSize() + labels.getBufferSize()});
                    }
                }
            }
            return sized.iterator();
        }).collect();
        double buildSeconds = (System.nanoTime() - t0) / 1e9;
        long arrowBytes = built.stream().mapToLong(b -> b[1]).sum();
        out.printf("as Arrow vectors (Float4Vector of features, IntVector of labels, off-heap): %,.0f bytes per example = %.3f x raw; "
                + "building them from the cache: %.2f s (%,.0f examples/s) on top of the load%n", (double) arrowBytes / examples,
                arrowBytes / examples / raw, buildSeconds, examples / buildSeconds);

        // a shuffled batch gathered into the float[] the trainer multiplies with, from each layout
        int n = largest.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = (int) ((i * 2654435761L) % n);
        }
        int size = Math.min(batchSize, n); // a client smaller than a batch is one batch
        float[] batch = new float[size * d];
        try (BufferAllocator allocator = new RootAllocator(); Float4Vector vector = toArrow(largest, allocator)) {
            FloatBuffer view = vector.getDataBuffer().nioBuffer(0, n * d * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            double checksum = 0;
            for (int round = 0; round < 2; round++) { // the first pass warms the JIT
                long a = System.nanoTime();
                for (int e = 0; e < epochs; e++) {
                    for (int from = 0; from + size <= n; from += size) {
                        for (int r = 0; r < size; r++) {
                            largest.copyFeatures(order[from + r], batch, r * d);
                        }
                        checksum += batch[0];
                    }
                }
                double arrays = (System.nanoTime() - a) / 1e9;
                long b = System.nanoTime();
                for (int e = 0; e < epochs; e++) {
                    for (int from = 0; from + size <= n; from += size) {
                        for (int r = 0; r < size; r++) {
                            view.get(order[from + r] * d, batch, r * d, d);
                        }
                        checksum += batch[0];
                    }
                }
                double arrow = (System.nanoTime() - b) / 1e9;
                if (round == 1) {
                    long rows = (long) epochs * (n / size) * size;
                    out.printf("shuffled batches of %d gathered into a float[]: from the float[] cache %,.0f examples/s, from the Arrow buffer %,.0f "
                            + "examples/s (checksum %.1f)%n", size, rows / arrays, rows / arrow, checksum);
                }
            }
        }
    }

    private static Float4Vector toArrow(DenseClientData c, BufferAllocator allocator) {
        Float4Vector v = new Float4Vector("features", allocator);
        int values = c.size() * c.featureSize();
        v.allocateNew(values);
        // one bulk copy into the data buffer, every value valid
        v.getDataBuffer().nioBuffer(0, values * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(c.features(), 0, values);
        v.getValidityBuffer().setOne(0, (values + 7) / 8);
        v.setValueCount(values);
        return v;
    }

    private static IntVector labels(DenseClientData c, BufferAllocator allocator) {
        IntVector v = new IntVector("labels", allocator);
        v.allocateNew(c.size());
        for (int i = 0; i < c.size(); i++) {
            v.set(i, c.labels()[i]);
        }
        v.setValueCount(c.size());
        return v;
    }
}
