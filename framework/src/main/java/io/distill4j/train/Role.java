package io.distill4j.train;

/** A participant's place in the scheme: teacher → (teaching assistant) → students. */
public enum Role {
    TEACHER, ASSISTANT, STUDENT;

    public String id() {
        return name().toLowerCase();
    }
}
