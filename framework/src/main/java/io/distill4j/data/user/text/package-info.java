/** A user's labelled texts (JSON Lines, CSV, class folders of .txt files) turned into token-id rows by a word vocabulary or their own Hugging Face tokenizer. */
package io.distill4j.data.user.text;
