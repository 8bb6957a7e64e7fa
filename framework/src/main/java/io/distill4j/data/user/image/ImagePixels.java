package io.distill4j.data.user.image;

import io.distill4j.data.DataException;

import java.nio.file.Path;

/**
 * One image file as a row of unsigned bytes at the target size and channels, channel-major ({@code c, y, x}: the
 * layout DL4J's {@code convolutionalFlat} input reshapes to NCHW). Training and prediction both call {@link #of}, so
 * a model sees the same bytes for a file either way.
 */
final class ImagePixels {
    private ImagePixels() {
    }

    /** {@code file} decoded, converted to {@code channels} (1 grey, 3 RGB) and resized to {@code height x width}. */
    static byte[] of(Path file, int height, int width, int channels) {
        checkChannels(channels, file.toString());
        ImageDecoder.Planes p = ImageDecoder.decode(file, height, width);
        int[] planes = convert(p, channels);
        int plane = height * width;
        byte[] out = new byte[channels * plane];
        int srcPlane = p.height() * p.width();
        for (int c = 0; c < channels; c++) {
            // a grey image asked for in RGB repeats its one plane
            int from = planes.length == srcPlane ? 0 : c * srcPlane;
            Resize.plane(planes, from, p.height(), p.width(), out, c * plane, height, width);
        }
        return out;
    }

    /** Converted at the source size, before resizing: grey to one plane by luma (ITU-R BT.601), kept as is otherwise. */
    private static int[] convert(ImageDecoder.Planes p, int channels) {
        if (channels == 3 || p.count() == 1) return p.values();
        int n = p.height() * p.width();
        int[] v = p.values();
        int[] grey = new int[n];
        for (int i = 0; i < n; i++) {
            grey[i] = (int) Math.round(0.299 * v[i] + 0.587 * v[n + i] + 0.114 * v[2 * n + i]);
        }
        return grey;
    }

    static void checkChannels(Integer channels, String source) {
        if (channels == null || (channels != 1 && channels != 3)) {
            throw new DataException(source + ": data.channels is " + channels + "; expected 1 (grey) or 3 (RGB)");
        }
    }
}
