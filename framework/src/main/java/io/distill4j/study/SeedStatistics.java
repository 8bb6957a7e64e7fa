package io.distill4j.study;

import org.apache.commons.math3.distribution.TDistribution;

import java.util.List;

/**
 * Mean, sample standard deviation and the 95% confidence interval of a mean over seeds (Student t with n−1
 * degrees of freedom: a handful of seeds is far too few for the normal approximation).
 */
public final class SeedStatistics {
    private SeedStatistics() {
    }

    /**
     * The statistics of one quantity over seeds: its values in seed order, their count, mean, sample standard deviation
     * and 95% confidence interval of the mean. sd and the interval are null below two values, the mean with none.
     */
    public record Summary(List<Double> values, int n, Double mean, Double sd, Double ciLow, Double ciHigh) {
        /** Half the width of the confidence interval, or null where there is none. */
        public Double halfWidth() {
            return ciLow == null ? null : (ciHigh - ciLow) / 2;
        }
    }

    public static Summary summarize(List<Double> values) {
        List<Double> v = List.copyOf(values);
        int n = v.size();
        Double mean = n == 0 ? null : mean(v);
        Double sd = n < 2 ? null : sd(v);
        Double half = n < 2 ? null : halfWidth95(v);
        return new Summary(v, n, mean, sd, half == null ? null : mean - half, half == null ? null : mean + half);
    }

    public static double mean(List<Double> v) {
        if (v.isEmpty()) throw new IllegalArgumentException("mean of no values");
        double sum = 0;
        for (double x : v) sum += x;
        return sum / v.size();
    }

    /** Sample standard deviation (divisor n−1). */
    public static double sd(List<Double> v) {
        if (v.size() < 2) throw new IllegalArgumentException("a sample standard deviation needs at least 2 values, got " + v.size());
        double m = mean(v);
        double ss = 0;
        for (double x : v) ss += (x - m) * (x - m);
        return Math.sqrt(ss / (v.size() - 1));
    }

    /** t_{0.975, df}: the two-sided 95% quantile of Student's t distribution. */
    public static double t975(int degreesOfFreedom) {
        if (degreesOfFreedom < 1) throw new IllegalArgumentException("degrees of freedom must be at least 1, got " + degreesOfFreedom);
        // no random generator: only the quantile function is used
        return new TDistribution(null, degreesOfFreedom).inverseCumulativeProbability(0.975);
    }

    /** t_{0.975,n−1}·sd/√n. */
    public static double halfWidth95(List<Double> v) {
        return t975(v.size() - 1) * sd(v) / Math.sqrt(v.size());
    }
}
