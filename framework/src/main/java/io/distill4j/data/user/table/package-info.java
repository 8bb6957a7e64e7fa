/** CSV and TSV tables: typed columns, standardised numbers and one-hot categories fitted on the training split, streamed through a binary spill so a table larger than the heap works. */
package io.distill4j.data.user.table;
