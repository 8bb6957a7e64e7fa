package io.distill4j.data.user.image;

/**
 * Bilinear resizing of one 8-bit plane, written out here rather than left to Java2D so that training and prediction
 * compute the same bytes on every JVM and platform. Separable: rows then columns, each output sample a triangle-weighted
 * average of the input samples around its centre (half-pixel aligned). When shrinking, the triangle widens by the
 * shrink factor so that every input pixel contributes (plain bilinear would skip pixels and alias a large photo).
 */
final class Resize {
    /**
     * The name preprocessing records for how pixels reach the target size: this filter together with the decoder's
     * subsampling rule ({@link ImageDecoder#subsampling}). A change to either changes a trained model's inputs, so it
     * must come with a new name (old exports are then refused rather than silently fed different pixels).
     */
    static final String METHOD = "bilinear";

    private Resize() {
    }

    /** {@code src} ({@code sh x sw}, values 0..255, at {@code offset}) resized to {@code dh x dw}, written into {@code dst} at {@code dstOffset}. */
    static void plane(int[] src, int offset, int sh, int sw, byte[] dst, int dstOffset, int dh, int dw) {
        if (sh == dh && sw == dw) {   // unchanged: the exact bytes, with no filter arithmetic at all
            for (int i = 0; i < sh * sw; i++) dst[dstOffset + i] = (byte) src[offset + i];
            return;
        }
        Weights wx = Weights.of(sw, dw);
        Weights wy = Weights.of(sh, dh);
        float[] rows = new float[sh * dw];   // horizontal pass: every input row at the output width
        for (int y = 0; y < sh; y++) {
            for (int x = 0; x < dw; x++) {
                float acc = 0;
                for (int k = 0; k < wx.count[x]; k++) acc += wx.weight[x][k] * src[offset + y * sw + wx.first[x] + k];
                rows[y * dw + x] = acc;
            }
        }
        for (int y = 0; y < dh; y++) {
            for (int x = 0; x < dw; x++) {
                float acc = 0;
                for (int k = 0; k < wy.count[y]; k++) acc += wy.weight[y][k] * rows[(wy.first[y] + k) * dw + x];
                dst[dstOffset + y * dw + x] = (byte) Math.max(0, Math.min(255, Math.round(acc)));
            }
        }
    }

    /** Per output index: the first input index and the normalised weights of the inputs from there. */
    private record Weights(int[] first, int[] count, float[][] weight) {
        static Weights of(int in, int out) {
            double scale = (double) in / out;
            double support = Math.max(scale, 1.0);   // the triangle's half-width, in input pixels
            int[] first = new int[out];
            int[] count = new int[out];
            float[][] weight = new float[out][];
            for (int o = 0; o < out; o++) {
                double centre = (o + 0.5) * scale;
                int lo = Math.max(0, (int) Math.floor(centre - support));
                int hi = Math.min(in, (int) Math.ceil(centre + support));
                double[] w = new double[hi - lo];
                double sum = 0;
                for (int i = lo; i < hi; i++) {
                    double t = Math.abs((i + 0.5 - centre) / support);
                    w[i - lo] = t < 1 ? 1 - t : 0;
                    sum += w[i - lo];
                }
                if (sum == 0) {   // cannot happen for in, out >= 1, but never divide by zero
                    w = new double[]{1};
                    lo = Math.min(in - 1, (int) centre);
                    sum = 1;
                }
                float[] f = new float[w.length];
                for (int k = 0; k < w.length; k++) f[k] = (float) (w[k] / sum);
                first[o] = lo;
                count[o] = w.length;
                weight[o] = f;
            }
            return new Weights(first, count, weight);
        }
    }
}
