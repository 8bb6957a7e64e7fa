package io.distill4j.optim;

/**
 * ND4J's Adam rule ({@code adam_updater}) on heap arrays: {@code m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
 * p -= step * m / (sqrt(v) + eps)}, where {@code step} already holds the bias correction
 * ({@link #correctedStep}). One loop, so that HotSpot vectorises it (sqrt and divide included) and every engine that
 * runs Adam itself updates the same bits.
 */
public final class AdamRule {
    private AdamRule() {
    }

    /** The learning rate with Adam's bias correction for optimizer step {@code t} (1-based), as ND4J computes it. */
    public static float correctedStep(double learningRate, double beta1, double beta2, double epsilon, long t) {
        double corrected = learningRate * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
        // ND4J's rule for a degenerate bias correction
        return (float) (Double.isFinite(corrected) && corrected != 0 ? corrected : epsilon);
    }

    /** Updates {@code p}, {@code m} and {@code v} in place over {@code [start, start + length)} from the gradient {@code g}. */
    public static void update(float[] p, float[] m, float[] v, float[] g, int start, int length, float b1, float b2, float eps,
                              float step) {
        float c1 = 1 - b1;
        float c2 = 1 - b2;
        for (int i = start; i < start + length; i++) {
            float gi = g[i];
            float mi = b1 * m[i] + gi * c1;
            float vi = b2 * v[i] + gi * gi * c2;
            m[i] = mi;
            v[i] = vi;
            p[i] -= mi * step / ((float) Math.sqrt(vi) + eps);
        }
    }
}
