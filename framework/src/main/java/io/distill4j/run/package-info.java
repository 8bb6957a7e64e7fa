/** The run folder: its layout, its files written whole or not at all, and the lock that gives one process the right to write it. */
package io.distill4j.run;
