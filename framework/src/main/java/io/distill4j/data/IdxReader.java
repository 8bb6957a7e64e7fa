package io.distill4j.data;

import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (raw, or gzipped when the name ends in {@code .gz}): a big-endian int32 magic
 * (0x00000803 images with 3 dimensions, 0x00000801 labels with 1), one int32 per dimension, then unsigned bytes.
 * Every structural problem is a {@link DataException} whose one-line message names the file and what was expected.
 */
public final class IdxReader {
    /** Magic number of an IDX file of unsigned bytes with 3 dimensions (images). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an IDX file of unsigned bytes with 1 dimension (labels). */
    public static final int LABELS_MAGIC = 0x00000801;

    private static final int BUFFER = 1 << 16;

    private IdxReader() {
    }

    /**
     * Reads an image/label file pair into a split: features FLOAT {@code [n, rows*cols]} scaled to [0, 1], labels
     * checked to lie in {@code [0, numClasses)}. Both files are read and checked completely; {@code limit} > 0 then
     * keeps only the first {@code limit} examples, 0 keeps all.
     */
    public static LabeledSplit read(Path images, Path labels, int numClasses, int limit) {
        if (numClasses < 1) throw new IllegalArgumentException("numClasses must be >= 1, got " + numClasses);
        if (limit < 0) throw new IllegalArgumentException("limit must be >= 0 (0 = all), got " + limit);
        Idx img = load(images, IMAGES_MAGIC, 3, "image");
        Idx lab = load(labels, LABELS_MAGIC, 1, "label");
        int count = img.dims[0];
        if (count != lab.dims[0]) {
            throw new DataException(images + " holds " + count + " images but " + labels + " holds " + lab.dims[0]
                    + " labels; expected the same count");
        }
        int[] y = new int[count];
        for (int i = 0; i < count; i++) {
            y[i] = lab.data[i] & 0xff;
            if (y[i] >= numClasses) {
                throw new DataException(labels + ": label " + y[i] + " at index " + i + " is out of range; expected 0.."
                        + (numClasses - 1));
            }
        }
        int n = limit > 0 ? Math.min(limit, count) : count;
        // a file of 0 images bounds no payload: rows x cols alone must fit (found by IdxReaderFuzzTest)
        if ((long) img.dims[1] * img.dims[2] > Integer.MAX_VALUE - 8) {
            throw new DataException(images + ": images of " + img.dims[1] + " x " + img.dims[2] + " pixels exceed one Java array; "
                    + "expected an MNIST-sized file");
        }
        int pixels = img.dims[1] * img.dims[2];
        if ((long) n * pixels > Integer.MAX_VALUE - 8) {
            throw new DataException(images + ": " + n + " images of " + pixels + " pixels exceed one Java array; "
                    + "expected fewer (use a limit)");
        }
        float[] x = new float[n * pixels];
        byte[] src = img.data;
        for (int i = 0; i < x.length; i++) x[i] = (src[i] & 0xff) / 255f;
        return new LabeledSplit(Nd4j.create(x, new long[]{n, pixels}, 'c'), n == count ? y : Arrays.copyOf(y, n),
                numClasses);
    }

    /** Dimensions from the header and the payload (exactly the product of the dimensions). */
    private record Idx(int[] dims, byte[] data) {
    }

    private static Idx load(Path file, int magic, int rank, String kind) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": IDX " + kind + " file not found");
        }
        boolean gz = file.getFileName().toString().endsWith(".gz");
        int header = 4 + 4 * rank;
        long fileSize;
        try {
            fileSize = Files.size(file);
        } catch (IOException e) {
            throw new DataException(file + ": cannot be read as an IDX " + kind + " file (" + oneLine(e) + ")", e);
        }
        try (InputStream in = open(file, gz)) {
            byte[] head = readUpTo(in, header, header);
            if (head.length < 4) {
                throw new DataException(file + ": truncated, expected at least " + header + " bytes (IDX " + kind
                        + " header) but found " + head.length);
            }
            ByteBuffer h = ByteBuffer.wrap(head);   // big-endian
            int actual = h.getInt();
            if (actual != magic) {
                throw new DataException(String.format("%s: not an IDX %s file (magic 0x%08x, expected 0x%08x)",
                        file, kind, actual, magic));
            }
            if (head.length < header) {
                throw new DataException(file + ": truncated, expected at least " + header + " bytes (IDX " + kind
                        + " header) but found " + head.length);
            }
            int[] dims = new int[rank];
            long payload = 1;
            for (int i = 0; i < rank; i++) {
                dims[i] = h.getInt();
                if (dims[i] < 0) {
                    throw new DataException(file + ": negative dimension " + dims[i] + " in the IDX header; expected >= 0");
                }
                payload *= dims[i];   // checked after every factor, so it never overflows
                if (payload > Integer.MAX_VALUE - 8) {
                    throw new DataException(file + ": IDX header dimensions " + Arrays.toString(dims)
                            + " promise more than 2 GiB of data; expected an MNIST-sized file");
                }
            }
            // raw: the file size bounds the payload; gzipped: MNIST-like data compresses about 2-4x
            byte[] data = readUpTo(in, (int) payload, gz ? Math.max(1 << 16, 4 * fileSize) : fileSize - header);
            if (data.length < payload) {
                throw new DataException(file + ": truncated, expected " + (header + payload) + (gz ? " uncompressed" : "")
                        + " bytes for dimensions " + Arrays.toString(dims) + " but found " + (header + data.length));
            }
            return new Idx(dims, data);
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": IDX " + kind + " file not found", e);
        } catch (IOException e) {
            throw new DataException(file + ": cannot be read as a" + (gz ? " gzipped" : "n") + " IDX " + kind
                    + " file (" + oneLine(e) + ")", e);
        }
    }

    /**
     * Reads {@code n} bytes, or fewer when the data ends early; a gzip stream cut off in the middle (EOFException)
     * counts as ending early, so truncated raw and gzipped files are reported alike.
     */
    private static byte[] readUpTo(InputStream in, int n, long sizeHint) throws IOException {
        // grows as data arrives, so a header promising far more than the file holds cannot force a huge allocation
        byte[] b = new byte[(int) Math.max(0, Math.min(n, sizeHint))];
        int off = 0;
        try {
            while (off < n) {
                if (off == b.length) b = Arrays.copyOf(b, (int) Math.min(n, Math.max(1 << 16, 2L * b.length)));
                int r = in.read(b, off, b.length - off);
                if (r < 0) break;
                off += r;
            }
        } catch (EOFException e) {
            // the compressed stream ended before its trailer: the bytes so far are all there is
        }
        return off == b.length ? b : Arrays.copyOf(b, off);
    }

    private static InputStream open(Path file, boolean gz) throws IOException {
        InputStream raw = Files.newInputStream(file);
        try {
            return gz ? new BufferedInputStream(new GZIPInputStream(raw, BUFFER), BUFFER) : new BufferedInputStream(raw, BUFFER);
        } catch (IOException e) {
            raw.close();
            throw e;
        }
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replaceAll("\\s+", " ").trim();
    }
}
