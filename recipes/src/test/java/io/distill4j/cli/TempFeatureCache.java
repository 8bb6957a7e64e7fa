package io.distill4j.cli;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Gives a test class a feature cache of its own ({@code distill4j.cache}), deleted afterwards: no test sees another's. */
final class TempFeatureCache implements BeforeAllCallback, AfterAllCallback {
    private String previous;
    private Path folder;

    /** The cache folder of the running test class. */
    Path folder() {
        return folder;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        previous = System.getProperty("distill4j.cache");
        folder = Files.createTempDirectory("distill4j-cache-test");
        System.setProperty("distill4j.cache", folder.toString());
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (previous == null) System.clearProperty("distill4j.cache");
        else System.setProperty("distill4j.cache", previous);
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        }
    }
}
