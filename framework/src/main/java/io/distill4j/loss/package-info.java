/** Distillation losses: the registry of loss terms by name ({@link io.distill4j.loss.TermKind}), a learner's resolved terms, and the soft-logit KD loss of the DL4J families with its analytic gradient. */
package io.distill4j.loss;
