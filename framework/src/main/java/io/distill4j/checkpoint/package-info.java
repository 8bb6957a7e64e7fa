/** The run directory and what is persisted in it: resolved config, provenance, exported models, reports. */
package io.distill4j.checkpoint;
