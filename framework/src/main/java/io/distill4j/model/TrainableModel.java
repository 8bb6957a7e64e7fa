package io.distill4j.model;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Set;

import io.distill4j.loss.TermKind;
import io.distill4j.signal.SignalKey;

/**
 * One trainable model, whatever engine runs it (DL4J networks on the fused or {@code fit} step, SameDiff graphs): the
 * seam between the online loop, checkpoints, evaluation, export and the bench on one side and the arithmetic on the
 * other. Nothing outside an implementation names the engine's types.
 *
 * <p>Features are rows of a batch: pixels for image families, token ids (as floats, {@code PAD} = 0) for text
 * families. Logits are {@code [batch, classes]}.
 */
public interface TrainableModel {
    /**
     * Fits one batch (forward in training mode, loss, backward, optimizer update) and returns its mean loss.
     *
     * @param targets a publisher's logits {@code [batch, classes]}, or null to learn from the labels alone
     * @param alpha   weight of the soft term when targets are given
     */
    double fit(INDArray features, INDArray oneHot, INDArray targets, double alpha);

    /**
     * Fits one batch with the loss {@code lesson} describes. The default serves models whose loss is
     * {@code (1 - alpha) CE + alpha T^2 KL} (labels and logits terms whose weights add up to 1, validated): alpha is the
     * logits term's weight.
     */
    default double fit(INDArray features, INDArray oneHot, Lesson lesson) {
        if (lesson.isLabelsOnly()) return fit(features, oneHot, null, 0);
        return fit(features, oneHot, lesson.signal(SignalKey.LOGITS), lesson.weightOf(TermKind.LOGITS));
    }

    /** Each term's (unweighted) value in the last {@link #fit(INDArray, INDArray, Lesson)}, by label; empty if not tracked. */
    default Map<String, Double> termValues() {
        return Map.of();
    }

    /**
     * Asks the model to keep, from each training pass, the signals {@code wanted} (besides its logits, always kept), so
     * that {@link #trainingSignal} can hand them out. Only what some learner reads is captured.
     *
     * @throws IllegalArgumentException if it cannot produce one of them
     */
    default void capture(Set<SignalKey> wanted) {
        for (SignalKey k : wanted) {
            if (!SignalKey.LOGITS.equals(k)) throw new IllegalArgumentException(engine() + " models publish logits only, not " + k);
        }
    }

    /** A signal of the last fit's own forward pass (training mode), captured as {@link #capture} asked; reused by the next fit. */
    default INDArray trainingSignal(SignalKey key) {
        if (SignalKey.LOGITS.equals(key)) return trainingLogits();
        throw new IllegalArgumentException("not captured: " + key);
    }

    /**
     * Starts from the weights of a saved model ({@code init:}): a zip {@link #export} wrote for the same architecture.
     *
     * @throws IllegalArgumentException if the zip holds another architecture; the message says what differs
     */
    default void initialise(InputStream zip) throws IOException {
        throw new IllegalArgumentException(engine() + " models cannot start from a saved model");
    }

    /** Logits of the last fit's own forward pass (training mode), in a buffer the next fit may reuse. */
    INDArray trainingLogits();

    /** Logits of an inference-mode forward pass (no dropout) with the current weights, in a reusable buffer. */
    INDArray inferenceLogits(INDArray features);

    /**
     * Inference-mode logits as plain rows {@code [batch][classes]}, for evaluation, reports and the inference benchmark:
     * whatever the pass allocated is released before this returns, and it is not a training cost ({@link #forwardPasses()}
     * need not count it). Added beside {@link #inferenceLogits} because the two may take different paths: the DL4J model
     * answers {@code inferenceLogits} with its fused step's buffers (the eval-pass signal, sized for a training batch) and
     * this with DL4J's own forward pass over evaluation batches, as reports always did. The default copies
     * {@link #inferenceLogits}.
     */
    default float[][] inferenceRows(INDArray features) {
        return io.distill4j.step.Logits.rows(inferenceLogits(features));
    }

    /**
     * Whether {@link #fit} may run on one thread while other models fit on another: true when the model shares no
     * mutable state with other models and keeps no second-core helper of its own (the fused DL4J steps do).
     */
    default boolean fitsConcurrently() {
        return false;
    }

    /** Runs {@code hook} on the fitting thread right after each fit's forward pass (null clears it). */
    void onForward(Runnable hook);

    /** Forward passes run so far, training and inference: the cost a signal adds is counted, not assumed. */
    long forwardPasses();

    /** Returns once this model's last update has landed in its parameters (an update may run in the background). */
    void settle();

    /** Trainable parameters. */
    long parameterCount();

    /** Optimizer steps taken (restored by {@link #restore}). */
    long iterations();

    /** Which implementation runs it ({@code fused}, {@code fused-bf16}, {@code dl4j}, {@code samediff}): for logs and provenance. */
    String engine();

    /** Writes everything a resume needs to continue bit for bit: parameters, optimizer state, counters. */
    void save(OutputStream out) throws IOException;

    /**
     * Reads what {@link #save} wrote, into this model (same architecture: built from the same spec).
     *
     * @throws IllegalArgumentException if the saved model cannot continue as this one (e.g. it learned from soft targets
     *                                  and this one learns from labels alone); the message says why, without the model's name
     */
    void restore(InputStream in) throws IOException;

    /**
     * Writes the deployable model (no optimizer state) as a zip holding {@code entries} besides the model itself
     * (provenance, a text model's vocabulary), so that the file can classify on its own.
     */
    void export(OutputStream out, Map<String, byte[]> entries) throws IOException;
}
