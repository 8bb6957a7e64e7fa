package io.distill4j.config;

/** Where run folders are created. */
public record OutputSpec(String runs) {
    public OutputSpec {
        if (runs == null) runs = "runs";
    }
}
