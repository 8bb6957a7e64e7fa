/** Optimizer arithmetic shared by every engine's own training loop: plain loops on heap arrays that HotSpot vectorises. */
package io.distill4j.optim;
