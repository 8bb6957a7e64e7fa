package io.distill4j.recipes;

import io.distill4j.checkpoint.CheckpointStore;

import io.distill4j.config.RunConfig;

import java.util.List;
import java.util.Set;

/**
 * A training scheme selected by the config's {@code recipe} key. Starting a run has two phases, so that a refused
 * run changes nothing: {@code prepare...} loads and checks everything (data, models, checkpoint) without writing into the
 * run folder; {@link PreparedRun#start} commits (config, provenance, metrics) and trains.
 */
public interface Recipe {
    String name();

    /** Short description shown by {@code distill4j info}. */
    String description();

    /** A fresh run in an empty run folder. */
    PreparedRun prepareTrain(RunContext context);

    /**
     * The files a resume reads from a checkpoint of a run with this config, besides {@code state.json} and
     * {@code config.yaml}: a checkpoint whose manifest does not list one of them is not usable.
     */
    Set<String> checkpointFiles(RunConfig config);

    /** Continues a run from a verified checkpoint; {@code changedConfigKeys} were allowed by the user and go into provenance. */
    PreparedRun prepareResume(RunContext context, CheckpointStore.Loaded checkpoint, List<String> changedConfigKeys);
}
