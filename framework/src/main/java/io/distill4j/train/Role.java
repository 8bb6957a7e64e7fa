package io.distill4j.train;

/**
 * A participant's place in the scheme: teacher → (teaching assistant) → students; a twin is a student's scratch
 * copy (same initial weights and batches, labels alone), trained beside it to measure what distillation bought.
 */
public enum Role {
    TEACHER, ASSISTANT, STUDENT, TWIN;

    public String id() {
        return name().toLowerCase();
    }
}
