package io.losslake.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    /** Bytes of an IDX file written by hand, independently of IdxWriter. */
    private static byte[] idx(int magic, int[] dims, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int v : concat(magic, dims)) {
            out.write(v >>> 24);
            out.write(v >>> 16);
            out.write(v >>> 8);
            out.write(v);
        }
        out.writeBytes(data);
        return out.toByteArray();
    }

    private static int[] concat(int first, int[] rest) {
        int[] all = new int[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(raw);
        }
        return bytes.toByteArray();
    }

    @Test
    void readsRawImagesWithShapeAndRowMajorData() {
        byte[] pixels = {1, 2, 3, 4, 5, 6, (byte) 255, 0, 9, 10, 11, 12};
        byte[] file = idx(0x00000803, new int[] {2, 2, 3}, pixels);
        IdxReader.IdxArray array = IdxReader.read(new ByteArrayInputStream(file), "x", 3);
        assertThat(array.dims()).containsExactly(2, 2, 3);
        assertThat(array.data()).containsExactly(pixels);
    }

    @Test
    void detectsGzipFromContentNotName() throws IOException {
        byte[] labels = {0, 9, 3, 3};
        byte[] file = gzip(idx(0x00000801, new int[] {4}, labels));
        Path noSuffix = dir.resolve("labels-without-gz-suffix");
        Files.write(noSuffix, file);
        assertThat(IdxReader.read(noSuffix, 1).data()).containsExactly(labels);
    }

    @Test
    void writerAndReaderRoundTripGzipAndRaw() {
        byte[] pixels = new byte[5 * 4 * 3];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 7);
        }
        byte[] labels = {0, 1, 2, 1, 0};
        LabeledImages images = new LabeledImages("t", 4, 3, pixels, labels, 3);
        for (boolean gz : new boolean[] {true, false}) {
            Path sub = dir.resolve("gz-" + gz);
            sub.toFile().mkdirs();
            IdxWriter.writeSplit(sub, "train", images, gz);
            IdxWriter.writeSplit(sub, "t10k", images, gz);
            TrainTest both = IdxDirectory.load(sub, 3);
            assertThat(both.train().pixels()).containsExactly(pixels);
            assertThat(both.test().labelArray()).containsExactly(0, 1, 2, 1, 0);
            assertThat(both.train().rows()).isEqualTo(4);
            assertThat(both.train().cols()).isEqualTo(3);
        }
    }

    @Test
    void rejectsABadMagicNumberNamingTheFileAndTheExpectedMagic() throws IOException {
        Path file = dir.resolve("train-images-idx3-ubyte");
        Files.write(file, idx(0x00000801, new int[] {3}, new byte[3]));
        assertThatThrownBy(() -> IdxReader.read(file, 3))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("0x00000801")
                .hasMessageContaining("expected 0x00000803");
    }

    @Test
    void rejectsTruncatedGzip() throws IOException {
        byte[] whole = gzip(idx(0x00000803, new int[] {100, 28, 28}, new byte[100 * 28 * 28]));
        Path file = dir.resolve("cut.gz");
        Files.write(file, Arrays.copyOf(whole, whole.length / 2));
        assertThatThrownBy(() -> IdxReader.read(file, 3))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("truncated");
    }

    @Test
    void rejectsRawDataShorterThanTheHeaderDeclares() throws IOException {
        Path file = dir.resolve("short");
        Files.write(file, idx(0x00000803, new int[] {10, 2, 2}, new byte[39]));
        assertThatThrownBy(() -> IdxReader.read(file, 3))
                .isInstanceOf(DatasetException.class)
                .hasMessage(file + " is truncated: its header declares 40 bytes of data but only 39 follow.");
    }

    @Test
    void rejectsEmptyFileAndGarbageThatLooksLikeGzip() throws IOException {
        Path empty = dir.resolve("empty");
        Files.write(empty, new byte[0]);
        assertThatThrownBy(() -> IdxReader.read(empty, 1)).isInstanceOf(DatasetException.class).hasMessageContaining("empty");
        Path fake = dir.resolve("fake.gz");
        Files.write(fake, new byte[] {0x1F, (byte) 0x8B, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        assertThatThrownBy(() -> IdxReader.read(fake, 1)).isInstanceOf(DatasetException.class).hasMessageContaining(fake.toString());
    }

    @Test
    void rejectsMismatchedCountsAndLabelsOutsideTheClasses() {
        IdxReader.IdxArray images = new IdxReader.IdxArray(new int[] {3, 1, 1}, new byte[3]);
        IdxReader.IdxArray twoLabels = new IdxReader.IdxArray(new int[] {2}, new byte[2]);
        assertThatThrownBy(() -> IdxReader.readImages(images, twoLabels, "d", 10))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("3 images")
                .hasMessageContaining("2 labels");
        IdxReader.IdxArray badLabel = new IdxReader.IdxArray(new int[] {3}, new byte[] {0, 10, 1});
        assertThatThrownBy(() -> IdxReader.readImages(images, badLabel, "d", 10))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("label 10 of example 1");
    }

    @Test
    void missingFolderAndMissingFileAreNamed() throws IOException {
        Path nowhere = dir.resolve("nowhere");
        assertThatThrownBy(() -> IdxDirectory.load(nowhere, 10))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(nowhere.toString())
                .hasMessageContaining("train-images-idx3-ubyte");
        Files.createDirectories(dir.resolve("half"));
        assertThatThrownBy(() -> IdxDirectory.load(dir.resolve("half"), 10))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("has no train-images-idx3-ubyte");
    }

    @Test
    void readsTheRealFashionMnistFromDebiansPackage() {
        assumeTrue(Files.isDirectory(IdxDirectory.FASHION_MNIST_DEFAULT), "dataset-fashion-mnist is not installed");
        TrainTest fashion = IdxDirectory.load(IdxDirectory.FASHION_MNIST_DEFAULT, 10);
        assertThat(fashion.train().count()).isEqualTo(60_000);
        assertThat(fashion.test().count()).isEqualTo(10_000);
        assertThat(fashion.train().rows()).isEqualTo(28);
        assertThat(fashion.train().cols()).isEqualTo(28);
        int[] histogram = new int[10];
        for (int label : fashion.train().labelArray()) {
            histogram[label]++;
        }
        // Fashion-MNIST is balanced: 6,000 training images per class.
        assertThat(histogram).containsOnly(6_000);
        // The first training image is an ankle boot (label 9), as in the dataset's own README figure.
        assertThat(fashion.train().label(0)).isEqualTo(9);
    }
}
