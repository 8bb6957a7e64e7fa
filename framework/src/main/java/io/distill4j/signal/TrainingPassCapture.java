package io.distill4j.signal;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * Keeps one layer's activations from the training forward pass that {@code fit} already does, copied into
 * a buffer outside DL4J's workspaces (the originals are recycled after the step). This is Titan's free
 * signal: no second forward pass, and the copy is detached from the graph by construction.
 */
public final class TrainingPassCapture extends BaseTrainingListener {
    private final int activationIndex;
    private INDArray buffer;
    private long captures;
    private volatile Runnable onCapture;

    public TrainingPassCapture(int activationIndex) {
        this.activationIndex = activationIndex;
    }

    @Override
    public void onForwardPass(Model model, List<INDArray> activations) {
        INDArray source = activations.get(activationIndex);
        if (buffer == null || !buffer.equalShapes(source) || buffer.dataType() != source.dataType()) {
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                buffer = Nd4j.create(source.dataType(), source.shape());
            }
        }
        buffer.assign(source);
        captures++;
        Runnable hook = onCapture;
        if (hook != null) hook.run();
    }

    /** Runs {@code hook} (on the training thread) right after the next captures; lets learners start while the publisher's backward pass runs. */
    public void onCapture(Runnable hook) {
        this.onCapture = hook;
    }

    /** Training forward passes seen so far. */
    public long captures() {
        return captures;
    }

    /** The buffer of the latest capture (null before the first); reused by the next training pass. */
    public INDArray peek() {
        return buffer;
    }
}
