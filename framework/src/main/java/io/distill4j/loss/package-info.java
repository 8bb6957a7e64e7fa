/** Distillation losses as DL4J loss functions, each with an analytic gradient checked against finite differences. */
package io.distill4j.loss;
