package io.distill4j.recipes;

import io.distill4j.train.RunListener;

import java.util.List;

/** A run whose checks have all passed and which has not yet written anything: {@link #start} commits and trains. */
@FunctionalInterface
public interface PreparedRun {
    RunOutcome start(List<RunListener> listeners);
}
