package io.distill4j.listeners;

import io.distill4j.checkpoint.CheckpointStore;
import io.distill4j.checkpoint.TrainerState;
import io.distill4j.config.CheckpointSpec;
import io.distill4j.model.TrainableModel;
import io.distill4j.train.OnlineTrainer;
import io.distill4j.train.Participant;
import io.distill4j.train.RunListener;
import io.distill4j.train.StepRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Checkpoints the whole run at the configured cadence, when the loop is interrupted, and at the end. */
public final class CheckpointListener implements RunListener {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointListener.class);
    private final CheckpointStore store;
    private final CheckpointSpec spec;
    private final String configHash;
    private final String configYaml;
    private final long seed;
    private final double previousSeconds;
    private long startedNanos;
    private long lastWritten = -1;
    private Path lastPath;

    /** {@code previousSeconds}: training time already spent before this process (0 for a fresh run). */
    public CheckpointListener(CheckpointStore store, CheckpointSpec spec, String configHash, String configYaml, long seed,
                              double previousSeconds) {
        this.store = store;
        this.spec = spec;
        this.configHash = configHash;
        this.configYaml = configYaml;
        this.seed = seed;
        this.previousSeconds = previousSeconds;
    }

    @Override
    public void onStart(OnlineTrainer trainer) {
        startedNanos = System.nanoTime();
    }

    @Override
    public void onStep(OnlineTrainer trainer, StepRecord r) {
        boolean byCount = spec.every() > 0 && r.step() % spec.every() == 0;
        boolean byEpoch = spec.atEpochEnd() && r.epochEnd();
        if (byCount || byEpoch) write(trainer);
    }

    @Override
    public void onInterrupt(OnlineTrainer trainer) {
        write(trainer);
    }

    @Override
    public void onFinish(OnlineTrainer trainer) {
        write(trainer);
    }

    private void write(OnlineTrainer trainer) {
        if (trainer.step() == lastWritten) return;
        Map<String, TrainableModel> models = new LinkedHashMap<>();
        for (Participant p : trainer.participants()) models.put(p.name(), p.model());
        TrainerState state = new TrainerState(trainer.step(), trainer.totalSteps(), trainer.cursor().state(), seed, configHash,
                trainingSeconds());
        lastPath = store.write(models, trainer.stateFiles(), state, configYaml, spec.keep());
        lastWritten = trainer.step();
        LOG.debug("checkpoint {}", lastPath);
    }

    /** Training time including earlier processes of the same run. */
    public double trainingSeconds() {
        return previousSeconds + (System.nanoTime() - startedNanos) / 1e9;
    }

    /** The newest checkpoint this listener wrote (null if none yet). */
    public Path lastCheckpoint() {
        return lastPath;
    }
}
