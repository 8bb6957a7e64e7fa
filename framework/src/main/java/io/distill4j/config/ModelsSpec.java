package io.distill4j.config;

import java.util.ArrayList;
import java.util.List;

/** The teacher, the optional teaching assistant and the students. */
public record ModelsSpec(ModelSpec teacher, ModelSpec assistant, List<ModelSpec> students) {
    public static final String TEACHER = "teacher";
    public static final String ASSISTANT = "assistant";

    public ModelsSpec {
        if (students == null) students = List.of();
    }

    /** Suffix of a scratch twin's name: {@code student-64} → {@code student-64.twin}. */
    public static final String TWIN_SUFFIX = ".twin";

    public static String twinName(String student) {
        return student + TWIN_SUFFIX;
    }

    /** Every model in step order: teacher, assistant, students. */
    public List<ModelSpec> all() {
        List<ModelSpec> out = new ArrayList<>();
        if (teacher != null) out.add(teacher);
        if (assistant != null) out.add(assistant);
        out.addAll(students);
        return out;
    }
}
