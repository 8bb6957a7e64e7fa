package io.distill4j.report;

import io.distill4j.runtime.NativeRuntime;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Whatever a report.json holds, the HTML and Markdown renderings show it as text and never as markup. */
class ReportRendererTest {
    /** Markup and the characters that end an attribute or start an entity. */
    static final String HOSTILE = "<script>alert(1)</script>\"'&";
    static final String ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;";

    /** A report with {@link #HOSTILE} (or a name derived from it) in every string field. */
    static RunReport hostileReport() {
        String student = "student" + HOSTILE;
        String twin = "twin" + HOSTILE;
        ModelEvaluation eval = new ModelEvaluation(0.9, 0.3, 100, 0.88, 0.95, new double[]{0.9, 0.8}, new long[][]{{45, 5}, {5, 45}});
        InferenceCost cost = new InferenceCost(0.1, 1000, 1, 10);
        List<ModelSummary> models = List.of(
                new ModelSummary(student, "student" + HOSTILE, "mlp" + HOSTILE, 100, "labels" + HOSTILE, 2048L, 2.0, 2.0, eval, eval, null, cost),
                new ModelSummary(twin, "twin" + HOSTILE, "mlp" + HOSTILE, 100, "labels" + HOSTILE, 2048L, 2.0, 2.0, eval, eval, student, cost));
        NativeRuntime runtime = new NativeRuntime("cpu" + HOSTILE, "linux" + HOSTILE, 1, 1, "blas" + HOSTILE, 2, "1" + HOSTILE, "core" + HOSTILE, "env" + HOSTILE, "cpu" + HOSTILE);
        Provenance provenance = new Provenance("0.1" + HOSTILE, "abc" + HOSTILE, "17" + HOSTILE, "linux" + HOSTILE, "x86" + HOSTILE,
                runtime, 7, "hash" + HOSTILE, "mnist" + HOSTILE, Map.of("file" + HOSTILE, "sha" + HOSTILE), List.of("train", HOSTILE),
                "now" + HOSTILE, List.of(new Provenance.Resume(4, List.of("resume", HOSTILE), "then" + HOSTILE, List.of("key" + HOSTILE), runtime)));
        List<Curve> curves = List.of(new Curve(student, List.of(4L, 8L), List.of(0.5, 0.9), List.of(1.0, 0.3)),
                new Curve(twin, List.of(4L, 8L), List.of(0.4, 0.8), List.of(1.1, 0.4)));
        return new RunReport(RunReport.SCHEMA_VERSION, "run" + HOSTILE, "mnist" + HOSTILE, "complete" + HOSTILE, 8, 8, 1.0, models,
                StudentGain.of(models), curves, provenance);
    }

    @Test
    void htmlEscapesEveryValueOfTheReportIncludingThePlots() {
        String html = ReportRenderer.html(hostileReport());
        assertThat(html.toLowerCase(java.util.Locale.ROOT)).doesNotContain("<script");
        assertThat(html).doesNotContain(HOSTILE).doesNotContain("\"'&")
                .contains("<td>student" + ESCAPED + "</td>").contains("<td>twin" + ESCAPED + "</td>")
                .contains("<title>run" + ESCAPED + " - Distill4J report</title>")
                .contains("data-model=\"student" + ESCAPED + "\"")
                .contains(">hash" + ESCAPED + "<");
    }

    @Test
    void markdownTableRowsSurviveNamesWithPipesAndNewlines() {
        RunReport r = hostileReport();
        ModelSummary m = r.models().get(0);
        String name = "a|b\nc\r\nd";
        ModelSummary odd = new ModelSummary(name, "student|x", m.family(), m.params(), "labels\nx", m.exportBytes(), m.compressionParams(),
                m.compressionBytes(), m.test(), m.validation(), null, m.inference());
        List<ModelSummary> models = List.of(odd, r.models().get(1));
        RunReport withPipes = new RunReport(r.schemaVersion(), "run\n# injected", r.dataset(), r.status(), r.steps(), r.totalSteps(),
                r.trainingSeconds(), models, r.gains(), r.curves(), r.provenance());
        String md = ReportRenderer.markdown(withPipes);
        assertThat(md).doesNotContain("\n# injected");
        List<String> rows = md.lines().filter(l -> l.startsWith("| a")).toList();
        assertThat(rows).hasSize(2);   // the model table and the per-class table, one line each
        String modelRow = rows.get(0);
        assertThat(modelRow).startsWith("| a\\|b c d | student\\|x | ");
        // an unescaped | would add a cell: 13 columns have 14 separators
        assertThat(modelRow.replace("\\|", "").chars().filter(c -> c == '|').count()).isEqualTo(14);
    }
}
