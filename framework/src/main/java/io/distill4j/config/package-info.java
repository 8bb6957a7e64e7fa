/** Typed run configuration: YAML loading, {@code --set} overrides and validation with errors that name the key path. */
package io.distill4j.config;
