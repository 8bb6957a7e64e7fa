/** The native compute runtime: which ND4J backend and binary are loaded, and the thread settings that make them fast and reproducible. */
package io.distill4j.runtime;
