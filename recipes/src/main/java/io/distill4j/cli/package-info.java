/** The picocli command line: one class per subcommand, shared options as mixins, exceptions mapped to exit codes. */
package io.distill4j.cli;
