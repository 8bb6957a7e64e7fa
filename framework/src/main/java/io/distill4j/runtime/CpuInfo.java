package io.distill4j.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/** The processor as {@code /proc/cpuinfo} describes it (its first processor block): what kernel choices depend on. */
public record CpuInfo(String vendor, int family, int model, String modelName, Set<String> flags) {
    private static final Path PROC = Path.of("/proc/cpuinfo");

    /**
     * Reads another file instead of {@code /proc/cpuinfo}: how the launcher's checks are tried on processors this machine
     * is not ({@code JAVA_TOOL_OPTIONS=-Ddistill4j.cpuinfo=...}, tests). Never set in a real run.
     */
    public static final String OVERRIDE_PROPERTY = "distill4j.cpuinfo";

    /** This machine's processor, or an unknown one where {@code /proc/cpuinfo} does not exist (macOS, Windows). */
    public static CpuInfo current() {
        try {
            String other = System.getProperty(OVERRIDE_PROPERTY);
            return parse(Files.readString(other == null ? PROC : Path.of(other), StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return new CpuInfo("unknown", -1, -1, System.getProperty("os.arch"), Set.of());
        }
    }

    public static CpuInfo parse(String cpuinfo) {
        String vendor = "unknown";
        String name = "unknown";
        int family = -1;
        int model = -1;
        Set<String> flags = new TreeSet<>();
        for (String line : cpuinfo.split("\n")) {
            if (line.isBlank()) {
                if (family >= 0) break;  // the first processor block is enough: the cores of one machine are alike
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            switch (key) {
                case "vendor_id" -> vendor = value;
                case "cpu family" -> family = Integer.parseInt(value);
                case "model" -> model = Integer.parseInt(value);
                case "model name" -> name = value;
                case "flags" -> flags.addAll(Set.of(value.split("\\s+")));
                default -> { }
            }
        }
        return new CpuInfo(vendor, family, model, name, Set.copyOf(flags));
    }

    public boolean has(String... required) {
        for (String f : required) if (!flags.contains(f)) return false;
        return true;
    }

    public boolean intel() {
        return vendor.equals("GenuineIntel");
    }

    /** AMD, or Hygon (licensed Zen cores, the same kernels). */
    public boolean amd() {
        return vendor.equals("AuthenticAMD") || vendor.equals("HygonGenuine");
    }

    /** e.g. "Intel(R) Xeon(R) Processor (GenuineIntel family 6 model 207)". */
    public String describe() {
        return modelName + " (" + vendor + " family " + family + " model " + model + ")";
    }
}
