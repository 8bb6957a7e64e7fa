package io.distill4j.recipes;

import io.distill4j.checkpoint.CheckpointStore;

import java.util.List;

/** A training scheme selected by the config's {@code recipe} key. */
public interface Recipe {
    String name();

    /** Short description shown by {@code distill4j info}. */
    String description();

    /** A fresh run in an empty run folder. */
    RunOutcome train(RunContext context);

    /** Continues a run from a verified checkpoint; {@code changedConfigKeys} were allowed by the user and go into provenance. */
    RunOutcome resume(RunContext context, CheckpointStore.Loaded checkpoint, List<String> changedConfigKeys);
}
