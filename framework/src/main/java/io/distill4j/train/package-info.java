/** The online distillation loop: roles, the order of one step, and the listeners that observe it. */
package io.distill4j.train;
