package io.distill4j.report;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.ArrayList;
import java.util.List;

/**
 * What distillation bought one student: its accuracy against its scratch twin's (same initial weights, same batches,
 * labels alone), as a gain in percentage points, on the test split (null while the run is in progress) and on the
 * validation split (null when none is held out). Positive means the student beats training alone.
 */
public record StudentGain(String student, String twin, Double accuracy, Double twinAccuracy, Double gainPp,
                          Double validationAccuracy, Double twinValidationAccuracy, Double validationGainPp) {

    /** One gain per student that has a twin among {@code models}, in the students' order. */
    public static List<StudentGain> of(List<ModelSummary> models) {
        List<StudentGain> out = new ArrayList<>();
        for (ModelSummary twin : models) {
            if (twin.twinOf() == null) continue;
            ModelSummary student = models.stream().filter(m -> m.name().equals(twin.twinOf())).findFirst().orElse(null);
            if (student == null) continue;
            Double acc = student.test() == null ? null : student.test().accuracy();
            Double twinAcc = twin.test() == null ? null : twin.test().accuracy();
            Double vAcc = student.validation() == null ? null : student.validation().accuracy();
            Double vTwin = twin.validation() == null ? null : twin.validation().accuracy();
            out.add(new StudentGain(student.name(), twin.name(), acc, twinAcc, pp(acc, twinAcc), vAcc, vTwin, pp(vAcc, vTwin)));
        }
        return out;
    }

    /** The student's accuracy to show: on the test split once the run is complete, on the validation split before. */
    @JsonIgnore
    public Double shownAccuracy() {
        return gainPp != null ? accuracy : validationAccuracy;
    }

    /** The twin's accuracy on the same split as {@link #shownAccuracy()}. */
    @JsonIgnore
    public Double shownTwinAccuracy() {
        return gainPp != null ? twinAccuracy : twinValidationAccuracy;
    }

    /** The gain on the same split as {@link #shownAccuracy()}. */
    @JsonIgnore
    public Double shownGainPp() {
        return gainPp != null ? gainPp : validationGainPp;
    }

    private static Double pp(Double a, Double b) {
        return a == null || b == null ? null : 100 * (a - b);
    }
}
