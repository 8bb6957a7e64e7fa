/** Datasets: strict IDX reading, the registry of known datasets, loading with checksums, and deterministic resumable batching. */
package io.distill4j.data;
