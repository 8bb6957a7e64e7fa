/**
 * Text to token ids in plain Java (no engine), so that an exported student can encode raw text on its own: the word
 * tokenizer and the vocabulary with its versioned file format.
 */
package io.distill4j.data.text;
