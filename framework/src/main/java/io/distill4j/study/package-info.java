/** Studies: one recipe run once per seed, with the per-model and per-gain statistics over the seeds. */
package io.distill4j.study;
