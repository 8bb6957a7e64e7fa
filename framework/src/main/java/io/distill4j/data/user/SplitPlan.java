package io.distill4j.data.user;

import io.distill4j.data.DataException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Which part each example of the training source goes into: a stratified, seeded split. When the data has no test
 * source, {@code testFraction} of each class (rounded, at least one) becomes the test split; then {@code validation}
 * examples, spread over the classes in proportion to what each has left, become the validation split; the rest is
 * trained on. The choice depends only on the labels, the fraction, the count and the seed, so every training seed
 * and every twin of a study sees the same test split.
 */
public final class SplitPlan {
    private final double testFraction;
    private final int validation;
    private final long seed;
    /** Told every assignment made, so that the run can record which examples of the source were its test split. */
    private final java.util.function.Consumer<Part[]> observer;

    /** {@code testFraction} 0 when the data has a test source of its own. */
    public SplitPlan(double testFraction, int validation, long seed) {
        this(testFraction, validation, seed, parts -> { });
    }

    /**
     * As above, with {@code observer} told the parts of every {@link #assign} (in the source's example order, the order
     * {@link Preprocessor#read} yields the same source's examples in).
     */
    public SplitPlan(double testFraction, int validation, long seed, java.util.function.Consumer<Part[]> observer) {
        if (!(testFraction >= 0 && testFraction < 1)) throw new IllegalArgumentException("testFraction must be in [0, 1), got " + testFraction);
        if (validation < 0) throw new IllegalArgumentException("validation must be >= 0, got " + validation);
        this.testFraction = testFraction;
        this.validation = validation;
        this.seed = seed;
        this.observer = observer;
    }

    public double testFraction() {
        return testFraction;
    }

    public int validation() {
        return validation;
    }

    public long seed() {
        return seed;
    }

    /**
     * The part of every example, given their class indices in source order.
     *
     * @param source  the file or folder the labels come from (named by a refusal)
     * @param classes class names, in class-index order (named by a refusal)
     * @throws DataException when a class has too few examples to be split, or the validation count leaves nothing to train on
     */
    public Part[] assign(int[] labels, List<String> classes, String source) {
        int k = classes.size();
        // each class's example indices in source order, in plain int arrays: a table has millions of rows
        int[][] byClass = new int[k][];
        int[] filled = new int[k];
        for (int l : labels) filled[l]++;
        for (int c = 0; c < k; c++) byClass[c] = new int[filled[c]];
        Arrays.fill(filled, 0);
        for (int i = 0; i < labels.length; i++) byClass[labels[i]][filled[labels[i]]++] = i;
        Part[] parts = new Part[labels.length];
        Arrays.fill(parts, Part.TRAIN);
        int[] left = new int[k];
        List<int[]> shuffled = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            int[] idx = byClass[c];
            shuffle(idx, new SplittableRandom(seed * 1_000_003L + c));
            shuffled.add(idx);
            int test = 0;
            if (testFraction > 0) {
                if (idx.length < 2) {
                    throw new DataException(source + ": class '" + classes.get(c) + "' has " + idx.length
                            + " example(s); a test split of data.testFraction " + testFraction + " needs at least 2 of each class "
                            + "(one to train on, one to test)");
                }
                test = (int) Math.max(1, Math.min(idx.length - 1, Math.round(testFraction * idx.length)));
            }
            for (int j = 0; j < test; j++) parts[idx[j]] = Part.TEST;
            left[c] = idx.length - test;
        }
        int trainTotal = Arrays.stream(left).sum();
        if (validation >= trainTotal) {
            throw new DataException(source + ": data.validation " + validation + " must be below the " + trainTotal
                    + " examples of the training split, so that some are left to train on");
        }
        int[] val = proportional(left, validation);
        for (int c = 0; c < k; c++) {
            int[] idx = shuffled.get(c);
            int start = idx.length - left[c];
            for (int j = 0; j < val[c]; j++) parts[idx[start + j]] = Part.VALIDATION;
        }
        observer.accept(parts.clone());
        return parts;
    }

    /** {@code total} spread over {@code sizes} by largest remainders, never taking a class's last example. */
    static int[] proportional(int[] sizes, int total) {
        int n = Arrays.stream(sizes).sum();
        int[] out = new int[sizes.length];
        if (total == 0 || n == 0) return out;
        double[] rest = new double[sizes.length];
        int given = 0;
        for (int c = 0; c < sizes.length; c++) {
            double share = (double) total * sizes[c] / n;
            out[c] = (int) Math.min(Math.floor(share), Math.max(0, sizes[c] - 1));
            rest[c] = share - out[c];
            given += out[c];
        }
        while (given < total) {
            int best = -1;
            for (int c = 0; c < sizes.length; c++) {
                if (out[c] < sizes[c] - 1 && (best < 0 || rest[c] > rest[best])) best = c;
            }
            if (best < 0) {   // every class is down to one training example: take those too
                for (int c = 0; c < sizes.length && given < total; c++) if (out[c] < sizes[c]) { out[c]++; given++; }
                break;
            }
            out[best]++;
            rest[best] -= 1;
            given++;
        }
        return out;
    }

    private static void shuffle(int[] a, SplittableRandom r) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
