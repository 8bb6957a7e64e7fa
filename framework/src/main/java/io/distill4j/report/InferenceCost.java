package io.distill4j.report;

/** Measured CPU inference cost: median latency of one example, median throughput at batch 128, and the threads used. */
public record InferenceCost(double latencyMsBatch1, double samplesPerSecondBatch128, int threads, int repeats) {
}
