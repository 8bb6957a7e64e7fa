/** Knowledge signals by name (logits; a transformer layer's attention, hidden states, query/key/value projections) and the one channel that carries them from publishers to learners. */
package io.distill4j.signal;
