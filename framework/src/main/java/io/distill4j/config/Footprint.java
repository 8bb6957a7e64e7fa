package io.distill4j.config;

/**
 * What one model holds in memory, as {@link MemoryEstimate} counts it (a scratch twin holds as much again).
 *
 * @param key            the part of the model's config that weighs most ({@code hidden}, {@code conv}): the key a memory
 *                       error tells the user to reduce, below the model's own key
 * @param nativeBytes    parameters, gradients and optimizer state off the Java heap
 * @param heapBytes      what the training step keeps on the Java heap (e.g. a heap copy of Adam's state)
 * @param activations    floats per example of a forward pass (a training batch holds them and their gradients; the
 *                       evaluation batch of the biggest model holds them once)
 * @param scratch        further floats per example of a training batch that the step keeps (e.g. im2col matrices)
 */
public record Footprint(String key, long nativeBytes, long heapBytes, long activations, long scratch) {
}
