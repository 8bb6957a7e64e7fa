package io.distill4j.listeners;

import io.distill4j.checkpoint.CheckpointStore;
import io.distill4j.train.OnlineTrainer;

import java.util.Optional;

/**
 * The check a resume runs on each checkpoint before it uses one: the trainer's state files (signal memories) must agree
 * with the checkpoint's cursor. It lives beside the checkpoint listener: the loop knows no checkpoint, and checkpoints know no loop (PackageRulesTest).
 */
public final class StateFileCheck {
    private StateFileCheck() {
    }

    /** The first problem of the state files checkpoint {@code c} lists (each {@link OnlineTrainer#stateFileProblem}), or empty. */
    public static Optional<String> firstProblem(CheckpointStore.Loaded c) {
        return c.listed().stream().filter(OnlineTrainer::isStateFile).sorted()
                .map(f -> OnlineTrainer.stateFileProblem(c.dir().resolve(f), c.state().cursor()))
                .flatMap(Optional::stream).findFirst();
    }
}
