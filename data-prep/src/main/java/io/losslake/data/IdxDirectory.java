package io.losslake.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * A folder of IDX files laid out as MNIST and Fashion-MNIST ship them:
 * {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte},
 * {@code t10k-labels-idx1-ubyte}, each optionally gzip-compressed ({@code .gz}); the
 * {@code train-images.idx3-ubyte} spelling is accepted too.
 */
public final class IdxDirectory {
    /** Where Debian's {@code dataset-fashion-mnist} package installs Fashion-MNIST. */
    public static final Path FASHION_MNIST_DEFAULT = Path.of("/usr/share/datasets/fashion-mnist");

    /** Fashion-MNIST's class names, index = label. */
    public static final List<String> FASHION_MNIST_CLASSES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static final String EXPECTED = "train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], "
            + "t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz]";

    private IdxDirectory() {
    }

    /** Loads both splits from the local folder {@code dir}; labels must lie in {@code [0, numClasses)}. */
    public static TrainTest load(Path dir, int numClasses) {
        return load(FileSource.local(dir), numClasses);
    }

    /** Loads both splits from {@code dir}; labels must lie in {@code [0, numClasses)}. */
    public static TrainTest load(FileSource dir, int numClasses) {
        try {
            if (!dir.exists()) {
                throw new DatasetException("The data folder " + dir.location() + " does not exist or is not a folder; expected a folder holding "
                        + EXPECTED + (dir.location().equals(FASHION_MNIST_DEFAULT.toString())
                        ? " (apt-get install dataset-fashion-mnist installs them there)." : "."));
            }
            LabeledImages train = split(dir, "train", numClasses);
            LabeledImages test = split(dir, "t10k", numClasses);
            return new TrainTest(train, test);
        } catch (IOException e) {
            throw new DatasetException("The data folder " + dir.location() + " could not be read: " + e.getMessage() + ".", e);
        }
    }

    private static LabeledImages split(FileSource dir, String prefix, int numClasses) throws IOException {
        IdxReader.IdxArray images = read(dir, find(dir, prefix, "images", 3), 3);
        IdxReader.IdxArray labels = read(dir, find(dir, prefix, "labels", 1), 1);
        return IdxReader.readImages(images, labels, dir.locate(prefix), numClasses);
    }

    private static IdxReader.IdxArray read(FileSource dir, String name, int dims) throws IOException {
        try (InputStream in = dir.open(name)) {
            return IdxReader.read(in, dir.locate(name), dims);
        }
    }

    static String find(FileSource dir, String prefix, String kind, int dims) throws IOException {
        for (String sep : new String[] {"-", "."}) {
            for (String suffix : new String[] {"", ".gz"}) {
                String candidate = prefix + "-" + kind + sep + "idx" + dims + "-ubyte" + suffix;
                if (dir.isFile(candidate)) {
                    return candidate;
                }
            }
        }
        throw new DatasetException("The data folder " + dir.location() + " has no " + prefix + "-" + kind + "-idx" + dims
                + "-ubyte[.gz]; expected " + EXPECTED + ".");
    }
}
