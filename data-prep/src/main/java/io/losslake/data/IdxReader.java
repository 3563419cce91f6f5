package io.losslake.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the IDX format of LeCun's MNIST and its relatives (Fashion-MNIST, KMNIST, EMNIST), raw or
 * gzip-compressed (detected from the stream's first two bytes, not the file name).
 *
 * <p>Format: two zero bytes, a type byte ({@code 0x08} = unsigned byte, the only type these
 * datasets use), a dimension count, then each dimension as a big-endian int32, then the data in
 * row-major order. Images are {@code 0x00000803} (count x rows x cols), labels
 * {@code 0x00000801} (count).
 */
public final class IdxReader {
    private static final int UNSIGNED_BYTE = 0x08;
    private static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private IdxReader() {
    }

    /** The decoded content of one IDX file: its dimensions and its unsigned-byte data. */
    public record IdxArray(int[] dims, byte[] data) {
    }

    /** Reads an IDX file of unsigned bytes with {@code expectedDims} dimensions. */
    public static IdxArray read(Path file, int expectedDims) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), expectedDims);
        } catch (NoSuchFileException e) {
            throw new DatasetException(file + " does not exist; expected an IDX file.", e);
        } catch (IOException e) {
            throw new DatasetException(file + " could not be read: " + e.getMessage() + ".", e);
        }
    }

    /**
     * Reads an IDX stream of unsigned bytes with {@code expectedDims} dimensions. The stream is not
     * closed. {@code name} is used in error messages.
     */
    public static IdxArray read(InputStream raw, String name, int expectedDims) {
        try {
            DataInputStream in = new DataInputStream(new BufferedInputStream(maybeGunzip(raw, name), 1 << 16));
            int magic;
            try {
                magic = in.readInt();
            } catch (EOFException e) {
                throw new DatasetException(name + " is empty or shorter than an IDX header; expected an IDX file.", e);
            }
            int type = (magic >>> 8) & 0xFF;
            int dims = magic & 0xFF;
            if ((magic >>> 16) != 0 || type != UNSIGNED_BYTE || dims != expectedDims) {
                throw new DatasetException(String.format(
                        "%s has magic number 0x%08X; expected 0x%08X (an IDX file of unsigned bytes with %d dimension%s).",
                        name, magic, (UNSIGNED_BYTE << 8) | expectedDims, expectedDims, expectedDims == 1 ? "" : "s"));
            }
            int[] shape = new int[dims];
            long total = 1;
            for (int d = 0; d < dims; d++) {
                try {
                    shape[d] = in.readInt();
                } catch (EOFException e) {
                    throw new DatasetException(name + " is truncated inside its header; expected " + dims + " dimension sizes.", e);
                }
                if (shape[d] < 0) {
                    throw new DatasetException(name + " declares a negative size " + shape[d] + " for dimension " + d + ".");
                }
                total *= shape[d];
                if (total > MAX_ELEMENTS) {
                    throw new DatasetException(name + " declares more than " + MAX_ELEMENTS + " elements, more than one array can hold.");
                }
            }
            byte[] data = new byte[(int) total];
            int read = in.readNBytes(data, 0, data.length);
            if (read < data.length) {
                throw new DatasetException(name + " is truncated: its header declares " + data.length
                        + " bytes of data but only " + read + " follow.");
            }
            return new IdxArray(shape, data);
        } catch (ZipException e) {
            throw new DatasetException(name + " is not valid gzip (" + e.getMessage() + "); expected a gzip-compressed IDX file.", e);
        } catch (EOFException e) {
            throw new DatasetException(name + " is truncated: the gzip stream ends early (" + e.getMessage() + ").", e);
        } catch (IOException e) {
            throw new DatasetException(name + " could not be read: " + e.getMessage() + ".", e);
        }
    }

    private static InputStream maybeGunzip(InputStream raw, String name) throws IOException {
        PushbackInputStream in = new PushbackInputStream(raw, 2);
        byte[] head = in.readNBytes(2);
        in.unread(head);
        boolean gzip = head.length == 2 && (head[0] & 0xFF) == 0x1F && (head[1] & 0xFF) == 0x8B;
        return gzip ? new GZIPInputStream(in, 1 << 16) : in;
    }

    /** Reads an image file (3 dimensions: count x rows x cols) and its label file (1 dimension). */
    public static LabeledImages readImages(IdxArray images, IdxArray labels, String name, int numClasses) {
        int count = images.dims()[0];
        if (labels.dims()[0] != count) {
            throw new DatasetException(name + ": the image file holds " + count + " images but the label file holds "
                    + labels.dims()[0] + " labels; expected one label per image.");
        }
        return new LabeledImages(name, images.dims()[1], images.dims()[2], images.data(), labels.data(), numClasses);
    }
}
