package io.distill4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's Java example, as printed there, compiles against the project's classes and classifies raw files. */
class ReadmeJavaExampleTest {
    @org.junit.jupiter.api.extension.RegisterExtension
    static final TempFeatureCache CACHE = new TempFeatureCache();

    @TempDir
    Path dir;

    /** The code block that follows the marker {@code <!-- java-api-example -->} in README.md. */
    static String example() throws Exception {
        String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("<!-- java-api-example -->\\s*```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(m.find()).as("README.md has the Java example after its marker").isTrue();
        return m.group(1);
    }

    @Test
    void theReadmeExampleCompilesAndClassifiesAFolderOfImages() throws Exception {
        Path data = YourDataJourneyTest.images(dir.resolve("shapes"));
        Path config = dir.resolve("c.yaml");
        assertThat(CliRun.of("new", "--data", data.toString(), "--out", config.toString()).exitCode()).isZero();
        Path run = dir.resolve("run");
        CliRun trained = CliRun.of("train", "-q", "--config", config.toString(), "--run-dir", run.toString(), "--set", "training.epochs=1");
        assertThat(trained.exitCode()).as(trained.err()).isZero();

        Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("Classify.java"), example());
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int status = javac.run(null, null, diagnostics, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                src.resolve("Classify.java").toString());
        assertThat(status).as(diagnostics.toString()).isZero();

        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[]{classes.toUri().toURL()}, getClass().getClassLoader())) {
            Method main = loader.loadClass("Classify").getMethod("main", String[].class);
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            main.invoke(null, (Object) new String[]{run.resolve("students/cnn-8.zip").toString(), data.resolve("square").toString()});
        } finally {
            System.setOut(stdout);
        }
        List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(40);
        assertThat(lines).allMatch(l -> l.matches("img-\\d{3}\\.(png|bmp) (circle|square|triangle) [0-9.E-]+"));
    }
}
