package io.distill4j.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Each student against its scratch twin, and how the report shows it. */
class StudentGainTest {
    private static ModelEvaluation eval(double accuracy) {
        return new ModelEvaluation(accuracy, 0.1, 1000, accuracy, null, null, null);
    }

    private static ModelSummary model(String name, String role, long params, Double test, double validation, String twinOf) {
        return new ModelSummary(name, role, "mlp", params, twinOf == null ? "assistant" : "labels", null, null, null,
                test == null ? null : eval(test), eval(validation), twinOf, null);
    }

    static List<ModelSummary> models(boolean complete) {
        return List.of(model("teacher", "teacher", 1000, complete ? 0.98 : null, 0.981, null),
                model("s-<b>", "student", 100, complete ? 0.9712 : null, 0.970, null),
                model("s-2", "student", 50, complete ? 0.9650 : null, 0.966, null),
                model("s-<b>.twin", "twin", 100, complete ? 0.9700 : null, 0.971, "s-<b>"),
                model("s-2.twin", "twin", 50, complete ? 0.9675 : null, 0.960, "s-2"));
    }

    private static RunReport report(boolean complete) {
        List<ModelSummary> models = models(complete);
        return new RunReport(RunReport.SCHEMA_VERSION, "r", "mnist", null, complete ? RunReport.COMPLETE : RunReport.IN_PROGRESS, 10, 10,
                1.0, models, StudentGain.of(models), List.of(), null);
    }

    @Test
    void gainsPairEveryStudentWithItsTwinInPercentagePoints() {
        List<StudentGain> gains = StudentGain.of(models(true));
        assertThat(gains).extracting(StudentGain::student).containsExactly("s-<b>", "s-2");
        assertThat(gains.get(0).twin()).isEqualTo("s-<b>.twin");
        assertThat(gains.get(0).gainPp()).isCloseTo(0.12, within(1e-9));
        assertThat(gains.get(1).gainPp()).isCloseTo(-0.25, within(1e-9));
        assertThat(gains.get(0).validationGainPp()).isCloseTo(-0.1, within(1e-9));
        assertThat(gains.get(1).validationGainPp()).isCloseTo(0.6, within(1e-9));
        // in progress there are no test figures yet: only the validation gain
        StudentGain running = StudentGain.of(models(false)).get(0);
        assertThat(running.gainPp()).isNull();
        assertThat(running.validationGainPp()).isCloseTo(-0.1, within(1e-9));
        assertThat(StudentGain.of(models(true).subList(0, 3))).isEmpty();
    }

    @Test
    void everyRenderingShowsTheGainsAndTheTwinSeries() {
        RunReport r = report(true);
        assertThat(ReportTable.render(r)).contains("what distillation bought").containsPattern("s-2 +96\\.50% +96\\.75% +-0\\.25 pp +\\+0\\.60 pp");
        assertThat(ReportRenderer.markdown(r)).contains("## What distillation bought").contains("| s-2 | 96.50% | 96.75% | -0.25 pp | +0.60 pp |");
        String html = ReportRenderer.html(r);
        assertThat(html).contains("<table id=\"gains\">").contains("scratch twins as a second series")
                .contains("s-&lt;b&gt;").doesNotContain("s-<b>");
        assertThat(ReportTable.render(report(false))).contains("val acc").contains("-0.10 pp");
    }
}
