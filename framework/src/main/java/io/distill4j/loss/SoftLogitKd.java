package io.distill4j.loss;

/**
 * The soft-logit KD loss of {@link SoftLogitKdLoss} on plain arrays, for the fused training step: per row
 * <pre>
 *   L     = alpha * T^2 * KL(softmax(t/T) || softmax(z/T)) + (1 - alpha) * CE(y, softmax(z))
 *   dL/dz = alpha * T * (softmax(z/T) - softmax(t/T)) + (1 - alpha) * (softmax(z) - y)
 * </pre>
 * averaged over the batch (loss and gradient both), computed in double. Without targets it is plain softmax
 * cross-entropy, which is also the labels-only head. Rows are {@code classes} consecutive values.
 */
public final class SoftLogitKd {
    private SoftLogitKd() {
    }

    /**
     * Mean loss over {@code batch} rows; writes dL/dz of that mean into {@code gradient}.
     *
     * @param targets the publisher's logits, or null to learn from labels alone
     */
    public static double lossAndGradient(double[] logits, double[] oneHot, double[] targets, int batch, int classes,
                                         double temperature, double alpha, double[] gradient) {
        double a = targets == null ? 0.0 : alpha;
        double total = 0;
        double[] q1 = new double[classes];
        double[] q = new double[classes];
        double[] p = new double[classes];
        for (int r = 0; r < batch; r++) {
            int o = r * classes;
            logSoftmax(logits, o, classes, 1.0, q1);
            double ce = 0;
            for (int c = 0; c < classes; c++) ce -= oneHot[o + c] * q1[c];
            double loss = (1 - a) * ce;
            for (int c = 0; c < classes; c++) gradient[o + c] = (1 - a) * (Math.exp(q1[c]) - oneHot[o + c]);
            if (a != 0) {
                logSoftmax(targets, o, classes, temperature, p);
                logSoftmax(logits, o, classes, temperature, q);
                double kl = 0;
                for (int c = 0; c < classes; c++) {
                    double pc = Math.exp(p[c]);
                    kl += pc * (p[c] - q[c]);
                    gradient[o + c] += a * temperature * (Math.exp(q[c]) - pc);
                }
                loss += a * temperature * temperature * kl;
            }
            total += loss;
        }
        for (int i = 0; i < batch * classes; i++) gradient[i] /= batch;
        return total / batch;
    }

    /** log softmax(row / temperature) of one row, numerically stable. */
    private static void logSoftmax(double[] values, int offset, int classes, double temperature, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) max = Math.max(max, values[offset + c] / temperature);
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            out[c] = values[offset + c] / temperature - max;
            sum += Math.exp(out[c]);
        }
        double logSum = Math.log(sum);
        for (int c = 0; c < classes; c++) out[c] -= logSum;
    }
}
