package io.distill4j.recipes;

import io.distill4j.run.RunDirectory;
import io.distill4j.config.ResolvedConfig;

import java.util.List;

/** Everything a recipe needs from the caller: the validated config, the (locked) run folder and the command line for provenance. */
public record RunContext(ResolvedConfig config, RunDirectory directory, List<String> commandLine) {
}
