package io.losslake.data;

import java.nio.file.Files;
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

    /** Loads both splits from {@code dir}; labels must lie in {@code [0, numClasses)}. */
    public static TrainTest load(Path dir, int numClasses) {
        if (!Files.isDirectory(dir)) {
            throw new DatasetException("The data folder " + dir + " does not exist or is not a folder; expected a folder holding "
                    + EXPECTED + (dir.equals(FASHION_MNIST_DEFAULT) ? " (apt-get install dataset-fashion-mnist installs them there)." : "."));
        }
        LabeledImages train = split(dir, "train", numClasses);
        LabeledImages test = split(dir, "t10k", numClasses);
        return new TrainTest(train, test);
    }

    private static LabeledImages split(Path dir, String prefix, int numClasses) {
        Path images = find(dir, prefix, "images", 3);
        Path labels = find(dir, prefix, "labels", 1);
        return IdxReader.readImages(IdxReader.read(images, 3), IdxReader.read(labels, 1), dir.resolve(prefix).toString(), numClasses);
    }

    static Path find(Path dir, String prefix, String kind, int dims) {
        for (String sep : new String[] {"-", "."}) {
            for (String suffix : new String[] {"", ".gz"}) {
                Path candidate = dir.resolve(prefix + "-" + kind + sep + "idx" + dims + "-ubyte" + suffix);
                if (Files.isRegularFile(candidate)) {
                    return candidate;
                }
            }
        }
        throw new DatasetException("The data folder " + dir + " has no " + prefix + "-" + kind + "-idx" + dims
                + "-ubyte[.gz]; expected " + EXPECTED + ".");
    }
}
