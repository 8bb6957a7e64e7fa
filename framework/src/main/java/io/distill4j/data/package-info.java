/**
 * Datasets: strict IDX and reviews-JSON reading, the registry of known datasets (images and texts), loading with
 * checksums and splits, and deterministic resumable batching.
 */
package io.distill4j.data;
