package io.losslake.data;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes unsigned-byte IDX files, the inverse of {@link IdxReader}; gzip when the name ends in {@code .gz}. */
public final class IdxWriter {
    private IdxWriter() {
    }

    public static void write(Path file, int[] dims, byte[] data) {
        long total = 1;
        for (int d : dims) {
            total *= d;
        }
        if (total != data.length) {
            throw new IllegalArgumentException("dims describe " + total + " elements but data has " + data.length);
        }
        try (OutputStream raw = Files.newOutputStream(file);
             OutputStream maybeZipped = file.toString().endsWith(".gz") ? new GZIPOutputStream(raw, 1 << 16) : raw;
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(maybeZipped, 1 << 16))) {
            out.writeInt((0x08 << 8) | dims.length);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code images} as {@code <prefix>-images-idx3-ubyte<suffix>} and {@code <prefix>-labels-idx1-ubyte<suffix>}. */
    public static void writeSplit(Path dir, String prefix, LabeledImages images, boolean gzip) {
        String suffix = gzip ? ".gz" : "";
        write(dir.resolve(prefix + "-images-idx3-ubyte" + suffix), new int[] {images.count(), images.rows(), images.cols()}, images.pixels());
        write(dir.resolve(prefix + "-labels-idx1-ubyte" + suffix), new int[] {images.count()}, images.labels());
    }
}
