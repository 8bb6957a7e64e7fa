package io.distill4j.data.user;

/** Which split an example of a user's dataset belongs to. */
public enum Part {
    TRAIN, VALIDATION, TEST;

    /** Lower-case name, as files and reports spell it. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
