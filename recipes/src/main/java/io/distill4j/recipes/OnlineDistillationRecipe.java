package io.distill4j.recipes;

import io.distill4j.checkpoint.RunDirectory;
import io.distill4j.config.ModelSpec;
import io.distill4j.config.RunConfig;
import io.distill4j.data.DatasetLoader;
import io.distill4j.data.LoadedDataset;
import io.distill4j.model.NetworkFactory;
import io.distill4j.report.EvaluationRecord;
import io.distill4j.report.Evaluator;
import io.distill4j.report.MetricsLog;
import io.distill4j.report.ModelEvaluation;
import io.distill4j.report.ModelSummary;
import io.distill4j.report.PeriodicEvaluation;
import io.distill4j.report.Provenance;
import io.distill4j.report.ProvenanceCollector;
import io.distill4j.report.RunReport;
import io.distill4j.train.OnlineTrainer;
import io.distill4j.train.Participant;
import io.distill4j.train.Participants;
import io.distill4j.train.Role;
import io.distill4j.train.RunListener;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.nd4j.linalg.api.buffer.DataType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * ERNIE 3.0 Titan-style online distillation: teacher, optional teaching assistant and students train
 * together; one run yields a ladder of students. Students with {@code learnsFrom: labels} make the same
 * recipe a scratch baseline.
 */
public final class OnlineDistillationRecipe implements Recipe {
    private static final Logger LOG = LogManager.getLogger(OnlineDistillationRecipe.class);

    @Override
    public String name() {
        return "online";
    }

    @Override
    public String description() {
        return "teacher -> (assistant) -> students trained at the same time, soft targets from the training pass";
    }

    @Override
    public RunReport run(RunContext context) {
        RunConfig config = context.config().config();
        RunDirectory dir = context.directory();
        long start = System.nanoTime();
        LoadedDataset data = DatasetLoader.load(config.data().dataset(), Path.of(config.data().root()),
                config.data().trainLimit(), config.data().testLimit());
        LOG.info("data: {} train / {} test examples of {} from {}", data.train().size(), data.test().size(),
                config.data().dataset(), config.data().root());

        Provenance provenance = ProvenanceCollector.collect(config.training().seed(), context.config().hash(),
                config.data().dataset(), data.sha256(), context.commandLine());
        dir.writeText(dir.configFile(), context.config().yaml());
        dir.writeJson(dir.provenanceFile(), provenance);
        LOG.info("runtime: {} binary {}, {} OpenMP thread(s); seed {}", provenance.runtime().backend(),
                provenance.runtime().binary(), provenance.runtime().ompThreads(), config.training().seed());

        NetworkFactory factory = new NetworkFactory(data.info().numClasses(), data.info().height(), data.info().width(),
                data.info().channels(), DataType.FLOAT);
        List<Participant> participants = Participants.build(config.models(), config.distill(), config.training().seed(), factory);
        for (Participant p : participants) {
            LOG.info("{} {} ({}, {} params) learns from {}", p.role().id(), p.name(), p.spec().family(),
                    String.format(Locale.ROOT, "%,d", p.parameterCount()), p.source() == null ? "labels" : p.source());
        }
        OnlineTrainer trainer = new OnlineTrainer(participants, data.train(), config.distill(), config.training().epochs(),
                config.training().batchSize(), config.training().seed());
        PeriodicEvaluation evaluation = new PeriodicEvaluation(new Evaluator(data.test()), config.training().evalEvery());
        try (MetricsLog metrics = new MetricsLog(dir.metricsFile(), config.training().logEvery())) {
            evaluation.onEvaluation(metrics::onEvaluation).onEvaluation(OnlineDistillationRecipe::logEvaluation);
            trainer.addListener(metrics).addListener(evaluation);
            for (RunListener l : context.listeners()) trainer.addListener(l);
            trainer.run();
        }

        for (Participant p : participants) {
            if (p.role() == Role.STUDENT) dir.writeModel(dir.studentFile(p.name()), NetworkFactory.deployable(p.net()));
        }
        RunReport report = report(config, trainer, evaluation.last(), provenance, (System.nanoTime() - start) / 1e9);
        dir.writeJson(dir.reportFile(), report);
        return report;
    }

    private static RunReport report(RunConfig config, OnlineTrainer trainer, EvaluationRecord last, Provenance provenance,
                                    double seconds) {
        List<ModelSummary> models = new ArrayList<>();
        for (Participant p : trainer.participants()) {
            ModelEvaluation e = last.models().get(p.name());
            models.add(new ModelSummary(p.name(), p.role().id(), p.spec().family(), p.parameterCount(),
                    p.source() == null ? ModelSpec.LABELS : p.source(), e.accuracy(), e.loss()));
        }
        return new RunReport(RunReport.SCHEMA_VERSION, config.name(), config.data().dataset(), trainer.step(), seconds,
                models, provenance);
    }

    private static void logEvaluation(EvaluationRecord r) {
        LOG.info("eval @ step {}: {}", r.step(), r.models().entrySet().stream()
                .map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%.2f%%", 100 * e.getValue().accuracy()))
                .collect(Collectors.joining(", ")));
    }
}
