package io.distill4j.recipes;

import io.distill4j.report.RunReport;

/** A training scheme selected by the config's {@code recipe} key. */
public interface Recipe {
    String name();

    /** Short description shown by {@code distill4j info}. */
    String description();

    RunReport run(RunContext context);
}
