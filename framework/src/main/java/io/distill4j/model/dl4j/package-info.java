/**
 * The DL4J implementation of the model seam: the {@code mlp} and {@code cnn} families as DL4J networks (a body, then a
 * shared logits + loss head), their optimizers, and {@link io.distill4j.model.dl4j.Dl4jModel}, which trains one with the
 * fused step or DL4J's {@code fit} and saves, restores and exports it in DL4J's own formats.
 */
package io.distill4j.model.dl4j;
