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
    /** A class name as a user's folder name or CSV value could spell it. */
    static final String CLASS_NAME = "<b>&\"x";
    static final String CLASS_NAME_ESCAPED = "&lt;b&gt;&amp;&quot;x";

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
        return new RunReport(RunReport.SCHEMA_VERSION, "run" + HOSTILE, "mnist" + HOSTILE, List.of(CLASS_NAME, "cat" + HOSTILE),
                "complete" + HOSTILE, 8, 8, 1.0, models,
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
        RunReport withPipes = new RunReport(r.schemaVersion(), "run\n# injected", r.dataset(), List.of("x|y\nz", "w"), r.status(), r.steps(), r.totalSteps(),
                r.trainingSeconds(), models, r.gains(), r.curves(), r.provenance());
        String md = ReportRenderer.markdown(withPipes);
        assertThat(md).doesNotContain("\n# injected");
        List<String> rows = md.lines().filter(l -> l.startsWith("| a")).toList();
        assertThat(rows).hasSize(1);   // the model table (the per-class table has a column per model)
        String modelRow = rows.get(0);
        assertThat(modelRow).startsWith("| a\\|b c d | student\\|x | ");
        // an unescaped | would add a cell: 13 columns have 14 separators
        assertThat(modelRow.replace("\\|", "").chars().filter(c -> c == '|').count()).isEqualTo(14);
        assertThat(md).contains("| class | a\\|b c d | twin");
        // a class name with a pipe and a line break stays one cell of one row, in the per-class table and the matrix
        List<String> classRows = md.lines().filter(l -> l.startsWith("| x\\|y z |")).toList();
        assertThat(classRows).hasSize(2);
        assertThat(classRows).allSatisfy(row -> assertThat(row.replace("\\|", "").chars().filter(c -> c == '|').count()).isEqualTo(4));
    }

    @Test
    void classNamesLabelThePerClassTableAndTheConfusionMatrixInMarkdownAndHtml() {
        RunReport r = hostileReport();
        String md = ReportRenderer.markdown(r);
        assertThat(md).contains("## Per-class test accuracy (recall)")
                .contains("| &lt;b>&\"x | 90.0% | 90.0% |")
                .contains("| cat&lt;script>alert(1)&lt;/script>\"'& | 80.0% | 80.0% |")
                .contains("| true \\ predicted | &lt;b>&\"x | cat&lt;script>")
                .contains("| &lt;b>&\"x | **45** | 5 |");
        assertThat(md).doesNotContain("<b>").doesNotContain("<script");
        String html = ReportRenderer.html(r);
        assertThat(html).doesNotContain(CLASS_NAME).doesNotContain("<b>")
                .contains("<tr><td>" + CLASS_NAME_ESCAPED + "</td><td>90.0%</td><td>90.0%</td></tr>")
                .contains("<th class=\"cls\">" + CLASS_NAME_ESCAPED + "</th><th class=\"cls\">cat" + ESCAPED + "</th>")
                .contains("<tr><th>" + CLASS_NAME_ESCAPED + "</th><td class=\"diag\"");
    }

    @Test
    void theConfusionMatrixIsShownForTheTeacherAndTheBestStudent() {
        ModelEvaluation good = new ModelEvaluation(0.9, 0.3, 100, 0.9, null, new double[]{0.9, 0.9}, new long[][]{{45, 5}, {5, 45}});
        ModelEvaluation fair = new ModelEvaluation(0.7, 0.6, 100, 0.7, 0.8, new double[]{0.7, 0.7}, new long[][]{{35, 15}, {15, 35}});
        ModelEvaluation best = new ModelEvaluation(0.8, 0.5, 100, 0.8, 0.9, new double[]{0.8, 0.8}, new long[][]{{40, 10}, {10, 40}});
        List<ModelSummary> models = List.of(
                new ModelSummary("big", "teacher", "mlp", 1000, "labels", null, 1.0, null, good, null, null, null),
                new ModelSummary("s-fair", "student", "mlp", 100, "big", null, 10.0, null, fair, null, null, null),
                new ModelSummary("s-best", "student", "mlp", 100, "big", null, 10.0, null, best, null, null, null),
                new ModelSummary("s-best.twin", "twin", "mlp", 100, "labels", null, 10.0, null, good, null, "s-best", null));
        RunReport r = new RunReport(RunReport.SCHEMA_VERSION, "r", "imdb", List.of("negative", "positive"), RunReport.COMPLETE, 8, 8,
                1.0, models, StudentGain.of(models), List.of(), null);
        String md = ReportRenderer.markdown(r);
        assertThat(md).contains("## Confusion matrix: big (teacher, test)").contains("## Confusion matrix: s-best (student, test)")
                .doesNotContain("Confusion matrix: s-fair").doesNotContain("Confusion matrix: s-best.twin")
                .contains("| negative | **40** | 10 |").contains("| positive | 10 | **40** |")
                .contains("| class | big | s-fair | s-best | s-best.twin |").contains("| positive | 90.0% | 70.0% | 80.0% | 90.0% |");
        String html = ReportRenderer.html(r);
        assertThat(html).contains("<table class=\"confusion\" data-model=\"big\">").contains("<table class=\"confusion\" data-model=\"s-best\">")
                .doesNotContain("data-model=\"s-fair\"><tr>");
    }

    @Test
    void withMoreThanTwentyClassesTheReportListsTheMostConfusedPairsInsteadOfTheMatrix() {
        int k = 25;
        long[][] confusion = new long[k][k];
        for (int t = 0; t < k; t++) {
            confusion[t][t] = 10;
            confusion[t][(t + 1) % k] = t;   // class t is taken for t+1 t times: the largest confusions are the last classes
        }
        double[] perClass = new double[k];
        for (int t = 0; t < k; t++) perClass[t] = 10.0 / (10 + t);
        ModelEvaluation e = new ModelEvaluation(0.5, 1.0, 550, 0.5, null, perClass, confusion);
        List<String> names = java.util.stream.IntStream.range(0, k).mapToObj(i -> i == 24 ? CLASS_NAME : "class-" + i).toList();
        List<ModelSummary> models = List.of(new ModelSummary("t", "teacher", "mlp", 1000, "labels", null, 1.0, null, e, null, null, null));
        RunReport r = new RunReport(RunReport.SCHEMA_VERSION, "r", "mine", names, RunReport.COMPLETE, 8, 8, 1.0, models, List.of(),
                List.of(), null);

        String md = ReportRenderer.markdown(r);
        assertThat(md).doesNotContain("Confusion matrix:").doesNotContain("predicted |")
                .contains("## Most confused classes: t (teacher, test)")
                .contains("| true class | predicted as | examples | share of the true class |");
        List<String> pairs = md.lines().filter(l -> l.matches("\\| (class-\\d+|&lt;b>&\"x) \\| (class-\\d+|&lt;b>&\"x) \\| \\d+ \\| .*")).toList();
        assertThat(pairs).hasSize(10);
        assertThat(pairs.get(0)).isEqualTo("| &lt;b>&\"x | class-0 | 24 | 70.59% |");
        assertThat(pairs.get(1)).isEqualTo("| class-23 | &lt;b>&\"x | 23 | 69.70% |");
        assertThat(pairs.get(9)).startsWith("| class-15 | class-16 | 15 |");
        // the per-class table still lists every class
        assertThat(md).contains("| class-0 | 100.0% |").contains("| class-23 | 30.3% |").contains("| &lt;b>&\"x | 29.4% |");

        String html = ReportRenderer.html(r);
        assertThat(html).doesNotContain("class=\"confusion\"").contains("<table class=\"confused\" data-model=\"t\">")
                .contains("<tr><td>" + CLASS_NAME_ESCAPED + "</td><td style=\"text-align:left\">class-0</td><td>24</td><td>70.59%</td></tr>")
                .doesNotContain(CLASS_NAME);
        assertThat(ReportRenderer.mostConfused(confusion, 10)).hasSize(10);
        assertThat(ReportRenderer.mostConfused(new long[][]{{1, 0}, {0, 1}}, 10)).isEmpty();
    }

    @Test
    void aReportWithoutClassNamesShowsTheClassIndices() {
        RunReport h = hostileReport();
        RunReport r = new RunReport(3, h.run(), h.dataset(), null, h.status(), h.steps(), h.totalSteps(), h.trainingSeconds(),
                h.models(), h.gains(), h.curves(), h.provenance());
        assertThat(r.classNames()).containsExactly("0", "1");
        assertThat(ReportRenderer.markdown(r)).contains("| 0 | 90.0% | 90.0% |").contains("| 1 | 80.0% | 80.0% |");
        assertThat(ReportRenderer.html(r)).contains("<th class=\"cls\">0</th><th class=\"cls\">1</th>");
    }
}
