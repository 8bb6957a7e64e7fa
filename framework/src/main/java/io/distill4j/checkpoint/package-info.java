/** Atomic, verified checkpoints of the whole online run (every model with its optimizer state, plus the trainer state). */
package io.distill4j.checkpoint;
