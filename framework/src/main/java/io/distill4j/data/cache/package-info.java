/** The binary feature cache of a user's dataset: parsed and preprocessed once, then memory-mapped, so data larger than the heap trains. */
package io.distill4j.data.cache;
