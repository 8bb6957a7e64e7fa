/** How one model takes one training step: DL4J's own {@code fit}, or a fused MLP step on BLAS with preallocated buffers. */
package io.distill4j.step;
