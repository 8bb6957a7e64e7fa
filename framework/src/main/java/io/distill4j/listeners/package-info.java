/**
 * The online loop's listeners that keep a run's record: metrics lines, periodic evaluation, checkpoints. They sit above
 * the loop, the reports and the checkpoints, so that neither reports nor checkpoints depend on the training loop.
 */
package io.distill4j.listeners;
