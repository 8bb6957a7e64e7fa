package io.distill4j.data;

import java.util.SplittableRandom;

/**
 * Deterministic shuffled batches with a resumable position. Epoch {@code e}'s order is a pure function of
 * (seed, e), so a checkpoint needs only {@link State} to continue exactly. The last partial batch of an epoch
 * is dropped, so every step has the same batch size.
 */
public final class EpochCursor {
    /** Everything needed to continue exactly: {@code position} batches of epoch {@code epoch} are consumed. */
    public record State(int datasetSize, int batchSize, long seed, int epoch, int position) {
    }

    private final int datasetSize;
    private final int batchSize;
    private final long seed;
    private int epoch;
    private int position;
    private int[] order;

    public EpochCursor(int datasetSize, int batchSize, long seed) {
        this(new State(datasetSize, batchSize, seed, 0, 0));
    }

    private EpochCursor(State s) {
        if (s.batchSize() < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + s.batchSize());
        if (s.datasetSize() < s.batchSize()) {
            throw new IllegalArgumentException("batch size " + s.batchSize() + " needs at least that many examples, got "
                    + s.datasetSize());
        }
        int steps = s.datasetSize() / s.batchSize();
        if (s.epoch() < 0 || s.position() < 0 || s.position() > steps) {
            throw new IllegalArgumentException("invalid cursor state " + s + ": expected epoch >= 0 and position in 0.." + steps);
        }
        this.datasetSize = s.datasetSize();
        this.batchSize = s.batchSize();
        this.seed = s.seed();
        this.epoch = s.epoch();
        this.position = s.position();
        this.order = permutation(seed, epoch, datasetSize);
    }

    /** A cursor that continues exactly where the one that produced {@code s} stood. */
    public static EpochCursor restore(State s) {
        return new EpochCursor(s);
    }

    /** Full batches per epoch; the last {@code datasetSize % batchSize} examples of each permutation are dropped. */
    public int stepsPerEpoch() {
        return datasetSize / batchSize;
    }

    /** Indices of the next batch; rolls over to a new permutation at the end of an epoch. */
    public int[] next() {
        if (position == stepsPerEpoch()) {
            epoch++;
            position = 0;
            order = permutation(seed, epoch, datasetSize);
        }
        int[] batch = new int[batchSize];
        System.arraycopy(order, position * batchSize, batch, 0, batchSize);
        position++;
        return batch;
    }

    /** Epoch of the batch returned last (0-based), 0 before the first. */
    public int epoch() {
        return epoch;
    }

    /** Batches consumed in the current epoch. */
    public int positionInEpoch() {
        return position;
    }

    /** Batches consumed in total. */
    public long step() {
        return (long) epoch * stepsPerEpoch() + position;
    }

    /** The position to save; {@link #restore(State)} continues from it. */
    public State state() {
        return new State(datasetSize, batchSize, seed, epoch, position);
    }

    /** Epoch {@code epoch}'s order: Fisher-Yates driven by {@code SplittableRandom(seed * 1_000_003 + epoch)}. */
    static int[] permutation(long seed, int epoch, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        SplittableRandom r = new SplittableRandom(seed * 1_000_003L + epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
