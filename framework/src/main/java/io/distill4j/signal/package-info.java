/** Knowledge signals (named: logits now, attention and hidden states later) and the channel that carries them from publishers to learners. */
package io.distill4j.signal;
