/** Evaluation of every model, metrics logs, provenance and run reports. */
package io.distill4j.report;
