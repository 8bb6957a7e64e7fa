package io.distill4j.config;

/**
 * A config refused because the run would not fit in memory. Its key is the part of the estimate that weighs most, which
 * a {@code --set} of another key may have made too big ({@code data.vocabSize} sizes the teacher's embedding table): the
 * loader then finds that override and blames it ({@link ConfigLoader}).
 */
public final class MemoryRefusal extends ConfigException {
    MemoryRefusal(String source, String keyPath, String problem) {
        super(source, keyPath, problem);
    }
}
