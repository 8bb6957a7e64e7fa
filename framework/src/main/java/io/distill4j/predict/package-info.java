/** Exported students on raw inputs: load a zip, classify CSV rows, image files or texts exactly as its run evaluated them. */
package io.distill4j.predict;
