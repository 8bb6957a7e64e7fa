package io.distill4j.report;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.knowm.xchart.VectorGraphicsEncoder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The report's plots, drawn by XChart and embedded as SVG so the HTML needs no network and no other file. */
public final class Charts {
    private static final int WIDTH = 720;
    private static final int HEIGHT = 400;

    private Charts() {
    }

    /** Test accuracy (or loss) against training step, one line per model. */
    public static String learningCurves(List<Curve> curves, boolean accuracy) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(accuracy ? "Validation accuracy during training" : "Validation loss during training")
                .xAxisTitle("step").yAxisTitle(accuracy ? "validation accuracy (%)" : "validation cross-entropy").build();
        style(chart);
        for (Curve c : curves) {
            if (c.steps().isEmpty()) continue;
            List<Double> y = accuracy ? c.accuracy().stream().map(a -> 100 * a).toList() : c.loss();
            XYSeries s = chart.addSeries(c.model(), c.steps().stream().map(Long::doubleValue).toList(), y);
            s.setMarker(SeriesMarkers.CIRCLE);
        }
        return svg(chart);
    }

    /**
     * The student ladder: final accuracy against parameter count (log scale), one point per model; the scratch twins
     * form a second series, so each student's gain is the vertical gap to the twin at the same x.
     */
    public static String accuracyVsParameters(List<ModelSummary> models) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("Accuracy vs parameters")
                .xAxisTitle("parameters (log scale)").yAxisTitle("test accuracy (%)").build();
        style(chart);
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(10);
        // a few distinct accuracies (a small test split) would otherwise be printed with every digit as ticks
        chart.getStyler().setYAxisDecimalPattern("0.##");
        List<ModelSummary> twins = models.stream().filter(m -> m.twinOf() != null).toList();
        for (ModelSummary m : models) {
            if (m.twinOf() != null) continue;
            chart.addSeries(m.name() + " (" + m.role() + ")", new double[]{m.params()}, new double[]{100 * m.figures().accuracy()});
        }
        if (!twins.isEmpty()) {
            XYSeries s = chart.addSeries("scratch twins (labels alone)", twins.stream().mapToDouble(ModelSummary::params).toArray(),
                    twins.stream().mapToDouble(m -> 100 * m.figures().accuracy()).toArray());
            s.setMarker(SeriesMarkers.DIAMOND);
        }
        return svg(chart);
    }

    private static void style(XYChart chart) {
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setPlotGridLinesVisible(true);
    }

    private static String svg(XYChart chart) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot draw chart", e);
        }
        String svg = out.toString(StandardCharsets.UTF_8);
        int start = svg.indexOf("<svg");
        return start < 0 ? svg : svg.substring(start);   // drop the XML prolog and DOCTYPE for inline use
    }
}
