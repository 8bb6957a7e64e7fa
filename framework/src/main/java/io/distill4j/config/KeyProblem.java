package io.distill4j.config;

/** What is wrong with one config key ({@code models.teacher.conv[0]}), in words that say what was expected. */
public record KeyProblem(String key, String problem) {
}
