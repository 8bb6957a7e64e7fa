/** Model specs turned into DL4J networks: pluggable families (MLP, CNN), optimizers by name, deployable export. */
package io.distill4j.model;
