/**
 * The model seam: {@link io.distill4j.model.TrainableModel}, which every engine implements, and the families that build
 * models from a config by name; nothing here names an engine's types (the DL4J implementation is {@code model.dl4j}).
 */
package io.distill4j.model;
