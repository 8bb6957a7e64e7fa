package io.distill4j.report;

import io.distill4j.runtime.NativeRuntime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** Gathers a {@link Provenance} from the running process. */
public final class ProvenanceCollector {
    private ProvenanceCollector() {
    }

    public static Provenance collect(long seed, String configHash, String dataset, Map<String, String> dataSha256,
                                     List<String> commandLine) {
        return new Provenance(version(), gitCommit(Path.of("").toAbsolutePath()),
                System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version"), System.getProperty("os.arch"),
                NativeRuntime.describe(), seed, configHash, dataset, dataSha256, commandLine,
                now(), List.of());
    }

    public static String now() {
        return OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    /** The framework version, filtered into a resource at build time. */
    public static String version() {
        try (InputStream in = ProvenanceCollector.class.getResourceAsStream("/io/distill4j/version.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The commit of the working tree the run was started from, with "-dirty" if it had local changes. */
    static String gitCommit(Path dir) {
        String head = run(dir, "git", "rev-parse", "HEAD");
        if (head == null || head.isEmpty()) return "unknown";
        String status = run(dir, "git", "status", "--porcelain", "--untracked-files=no");
        return status != null && !status.isEmpty() ? head + "-dirty" : head;
    }

    private static String run(Path dir, String... command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) return null;
            return new String(out, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
