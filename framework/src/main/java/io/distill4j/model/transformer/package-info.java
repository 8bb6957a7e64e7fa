/** The transformer-encoder family: one SameDiff graph per model, attention written from mmul and softmax. */
package io.distill4j.model.transformer;
