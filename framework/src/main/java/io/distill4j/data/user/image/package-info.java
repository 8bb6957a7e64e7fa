/** Folders of image files (one sub-folder per class) read as a user's dataset, resized and normalised per channel. */
package io.distill4j.data.user.image;
