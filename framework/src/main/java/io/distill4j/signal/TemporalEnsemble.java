package io.distill4j.signal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * A publisher's logits averaged, per training example, over the epochs of the run (temporal ensembling, Laine &amp;
 * Aila 2017): each time the publisher's training forward pass sees example {@code i}, the memory becomes
 * {@code decay * memory[i] + (1 - decay) * logits} (the first visit stores the logits as they are), and learners get
 * the memory instead of the latest logits.
 *
 * <p>Why: an online teacher's training-pass logits on an example it has already fitted many times are nearly the
 * label (it has memorised them), so they carry little besides the label; the memory keeps what it predicted before it
 * memorised the example (on its first visit, the example had never been trained on), an ensemble of the teacher's past
 * selves at no extra forward pass. The memory is training state: checkpoints hold it, so resume stays exact.
 */
public final class TemporalEnsemble {
    /** More classes than any dataset has: bounds what a memory file may declare. */
    static final int MAX_CLASSES = 1 << 16;
    private final double decay;
    private final int classes;
    private final float[] memory;
    private final boolean[] seen;

    public TemporalEnsemble(int examples, int classes, double decay) {
        if (!(decay >= 0 && decay < 1)) throw new IllegalArgumentException("decay must be in [0, 1), got " + decay);
        this.decay = decay;
        this.classes = classes;
        this.memory = new float[Math.multiplyExact(examples, classes)];
        this.seen = new boolean[examples];
    }

    /**
     * Folds the logits of a training forward pass over examples {@code idx} (row r is example idx[r]) into the memory
     * and returns the memory's rows for them, as a new array detached from the publisher.
     */
    public INDArray update(int[] idx, INDArray logits) {
        float[] rows = flat(logits);
        if (rows.length != idx.length * classes) {
            throw new IllegalArgumentException("expected [" + idx.length + ", " + classes + "] logits, got "
                    + Arrays.toString(logits.shape()));
        }
        float keep = (float) decay;
        float take = (float) (1 - decay);
        for (int r = 0; r < idx.length; r++) {
            int m = idx[r] * classes;
            int o = r * classes;
            if (!seen[idx[r]]) {
                System.arraycopy(rows, o, memory, m, classes);
                seen[idx[r]] = true;
            } else {
                for (int c = 0; c < classes; c++) memory[m + c] = keep * memory[m + c] + take * rows[o + c];
            }
            System.arraycopy(memory, m, rows, o, classes);
        }
        // called from inside DL4J's fit (the publisher's forward-pass hook), where a workspace is open: an array created
        // there dies with the workspace while learners on the other thread still read it (seen as a "leaked workspace
        // pointer" in a CNN run), so the signal is allocated outside every workspace
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return Nd4j.create(rows, new long[]{idx.length, classes}, DataType.FLOAT);
        }
    }

    /** A heap copy of the rows: nothing of the publisher's (possibly workspace) array is kept. */
    private static float[] flat(INDArray logits) {
        // element access (toFloatMatrix) costs a native call per value: 4.5 ms per 128x10 batch, measured by the bench
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray copy = logits.dup('c');
            float[] rows = copy.data().asFloat();
            copy.close();
            return rows;
        }
    }

    /** The memory as bytes, for a checkpoint file. */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(bytes))) {
            out.writeInt(seen.length);
            out.writeInt(classes);
            for (boolean s : seen) out.writeBoolean(s);
            for (float v : memory) out.writeFloat(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // in memory: cannot happen
        }
        return bytes.toByteArray();
    }

    /**
     * What is wrong with a memory file for a run over {@code examples} training examples, in one phrase, or empty: the
     * header's sizes, the file's length they imply, flags that are booleans, finite values. Read before the memory is
     * used, so a bad one makes its checkpoint unusable rather than failing the run.
     */
    public static java.util.Optional<String> problem(java.nio.file.Path file, int examples) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(java.nio.file.Files.newInputStream(file)))) {
            long size = java.nio.file.Files.size(file);
            if (size < 8) return java.util.Optional.of("truncated: " + size + " bytes, shorter than its header");
            int n = in.readInt();
            int cls = in.readInt();
            if (n != examples) return java.util.Optional.of("holds " + n + " examples, the checkpoint's dataset has " + examples);
            if (cls < 1 || cls > MAX_CLASSES) return java.util.Optional.of("holds " + cls + " classes, expected 1.." + MAX_CLASSES);
            long expected = 8L + n + 4L * n * cls;
            if (size != expected) return java.util.Optional.of(size + " bytes, expected " + expected + " for " + n + " examples of " + cls + " classes");
            for (int i = 0; i < n; i++) {
                int b = in.read();
                if (b != 0 && b != 1) return java.util.Optional.of("example " + i + "'s seen flag is " + b + ", expected 0 or 1");
            }
            for (long i = 0; i < (long) n * cls; i++) {
                if (!Float.isFinite(in.readFloat())) return java.util.Optional.of("holds a value that is not finite (NaN or infinity)");
            }
            return java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.of("cannot be read (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        }
    }

    /** Restores a memory written by {@link #toBytes}; the sizes must match this run's. */
    public void read(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(stream));
        int examples = in.readInt();
        int cls = in.readInt();
        if (examples != seen.length || cls != classes) {
            throw new IOException("signal memory of " + examples + "x" + cls + " does not fit this run's " + seen.length + "x" + classes);
        }
        try {
            for (int i = 0; i < seen.length; i++) seen[i] = in.readBoolean();
            for (int i = 0; i < memory.length; i++) memory[i] = in.readFloat();
        } catch (java.io.EOFException e) {
            throw new IOException("signal memory is truncated", e);
        }
    }
}
