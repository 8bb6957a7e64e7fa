package io.distill4j.cli;

import io.distill4j.train.OnlineTrainer;
import io.distill4j.train.RunListener;
import io.distill4j.train.StepRecord;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Shows progress: a terminal progress bar with ETA and the current losses when attached to a console,
 * otherwise (CI, pipes) a log line every few percent.
 */
abstract class ProgressListener implements RunListener {
    static ProgressListener create() {
        return System.console() != null ? new Bar() : new Lines();
    }

    static String losses(Map<String, Double> losses) {
        return losses(losses, Map.of());
    }

    /** Each model's loss, and for a model with several terms each term's value: {@code s-8 0.512 (labels 0.41 attention 0.09)}. */
    static String losses(Map<String, Double> losses, Map<String, Map<String, Double>> terms) {
        return losses.entrySet().stream().map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%.3f", e.getValue())
                        + termsOf(terms.get(e.getKey())))
                .collect(Collectors.joining(" | "));
    }

    private static String termsOf(Map<String, Double> terms) {
        if (terms == null || terms.size() < 2) return "";
        return terms.entrySet().stream().map(t -> t.getKey() + " " + String.format(Locale.ROOT, "%.3g", t.getValue()))
                .collect(Collectors.joining(" ", " (", ")"));
    }

    private static final class Bar extends ProgressListener {
        private ProgressBar bar;

        @Override
        public void onStart(OnlineTrainer trainer) {
            bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(trainer.totalSteps())
                    .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(500)
                    .setMaxRenderedLength(160).continuousUpdate().setUnit(" steps", 1).showSpeed().build();
            bar.stepTo(trainer.step());
        }

        @Override
        public void onStep(OnlineTrainer trainer, StepRecord record) {
            bar.stepTo(record.step());
            bar.setExtraMessage(losses(record.losses(), record.terms()));
        }

        @Override
        public void onFinish(OnlineTrainer trainer) {
            bar.close();
        }
    }

    private static final class Lines extends ProgressListener {
        private static final Logger LOG = LogManager.getLogger(ProgressListener.class);
        private long started;
        private long firstStep;
        private long every;

        @Override
        public void onStart(OnlineTrainer trainer) {
            started = System.nanoTime();
            firstStep = trainer.step();
            every = Math.max(1, trainer.totalSteps() / 20);
        }

        @Override
        public void onStep(OnlineTrainer trainer, StepRecord r) {
            if (r.step() % every != 0 && r.step() != r.totalSteps()) return;
            double elapsed = (System.nanoTime() - started) / 1e9;
            long left = r.totalSteps() - r.step();
            Duration eta = Duration.ofSeconds((long) (elapsed / Math.max(1, r.step() - firstStep) * left));
            LOG.info("step {}/{} ({}%), ETA {}m{}s | {}", r.step(), r.totalSteps(), 100 * r.step() / r.totalSteps(),
                    eta.toMinutes(), eta.toSecondsPart(), losses(r.losses(), r.terms()));
        }
    }
}
