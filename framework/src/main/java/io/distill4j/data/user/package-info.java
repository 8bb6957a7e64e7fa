/** A user's own datasets (tables, image folders, texts): read, split, preprocessed from the training split alone, cached. */
package io.distill4j.data.user;
