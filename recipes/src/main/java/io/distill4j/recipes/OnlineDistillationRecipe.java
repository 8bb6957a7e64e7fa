package io.distill4j.recipes;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.checkpoint.CheckpointException;
import io.distill4j.checkpoint.CheckpointStore;
import io.distill4j.run.RunDirectory;
import io.distill4j.config.ModelSpec;
import io.distill4j.config.RunConfig;
import io.distill4j.data.DatasetLoader;
import io.distill4j.data.text.WordVocabulary;
import io.distill4j.runtime.AtomicFiles;
import io.distill4j.data.EpochCursor;
import io.distill4j.data.LoadedDataset;
import io.distill4j.listeners.CheckpointListener;
import io.distill4j.listeners.MetricsListener;
import io.distill4j.listeners.PeriodicEvaluation;
import io.distill4j.data.InputShape;
import io.distill4j.model.ModelFactory;
import io.distill4j.model.TrainableModel;
import io.distill4j.report.EvaluationRecord;
import io.distill4j.report.Evaluator;
import io.distill4j.report.MetricsLog;
import io.distill4j.report.ModelProvenance;
import io.distill4j.report.InferenceBenchmark;
import io.distill4j.report.ModelSummary;
import io.distill4j.report.Provenance;
import io.distill4j.report.ProvenanceCollector;
import io.distill4j.step.Precision;
import io.distill4j.report.RunReport;
import io.distill4j.report.RunReports;
import io.distill4j.report.StudentGain;
import io.distill4j.runtime.BlasCore;
import io.distill4j.runtime.CpuInfo;
import io.distill4j.runtime.NativeRuntime;
import io.distill4j.train.OnlineTrainer;
import io.distill4j.train.Participant;
import io.distill4j.train.Participants;
import io.distill4j.train.Role;
import io.distill4j.train.RunListener;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
    public PreparedRun prepareTrain(RunContext context) {
        RunConfig config = context.config().config();
        RunDirectory dir = context.directory();
        LoadedDataset data = load(config);
        List<Participant> participants = Participants.build(config.models(), config.distill(), config.training().seed(),
                factory(data, config));
        Provenance provenance = ProvenanceCollector.collect(config.training().seed(), context.config().hash(),
                config.data().sourceName(), data.sha256(), context.commandLine()).withPrecision(Precision.describe(config.training().precision()))
                .withInitialWeights(Participants.initialise(participants));
        OnlineTrainer trainer = new OnlineTrainer(participants, data.train(), config.distill(), config.training().epochs(),
                config.training().batchSize(), config.training().seed(), config.training().parallel());
        return listeners -> {
            dir.writeText(dir.configFile(), context.config().yaml());
            dir.writeJson(dir.provenanceFile(), provenance);
            recordUserData(config, dir);
            logRuntime(provenance.runtime(), config);
            logSteps(participants);
            return execute(context, data, trainer, provenance, List.of(), 0.0, listeners);
        };
    }

    @Override
    public PreparedRun prepareResume(RunContext context, CheckpointStore.Loaded checkpoint, List<String> changedConfigKeys) {
        RunConfig config = context.config().config();
        RunDirectory dir = context.directory();
        Provenance recorded = readProvenance(dir);
        LoadedDataset data = load(config);
        if (recorded.dataSha256() != null && !recorded.dataSha256().equals(data.sha256())) {
            throw new CheckpointException("the data in " + config.data().root() + " differs from the data this run was trained on "
                    + "(SHA-256 of " + differingFiles(recorded.dataSha256(), data.sha256()) + " changed); resuming on other data "
                    + "would not continue the same run");
        }
        NativeRuntime now = NativeRuntime.describe();
        // bitwise exactness needs the same kernels: say so when they changed, and keep the change in the resume's entry
        String kernelChange = now.kernelChangeSince(recorded.lastRuntime()).orElse(null);
        if (kernelChange != null) LOG.warn(kernelChangeWarning(kernelChange));
        Provenance provenance = recorded.withResume(new Provenance.Resume(checkpoint.state().step(),
                context.commandLine(), ProvenanceCollector.now(), changedConfigKeys, now,
                Precision.describe(config.training().precision()), kernelChange));
        // each model is built as a fresh run builds it, then takes the checkpoint's state
        Participants.ModelSource fresh = Participants.fresh(config.models(), config.distill(), config.training().seed(), factory(data, config));
        List<Participant> participants = Participants.assemble(config.models(), config.distill(), (spec, head, name, identity) -> {
            TrainableModel model = fresh.model(spec, head, name, identity);
            checkpoint.restore(name, model);
            return model;
        });
        EpochCursor.State at = checkpoint.state().cursor();
        if (at.datasetSize() != data.train().size()) {
            throw new CheckpointException("checkpoint " + checkpoint.dir().getFileName() + ": state.json's cursor walks a training split of "
                    + at.datasetSize() + " examples, this run's has " + data.train().size());
        }
        EpochCursor cursor = EpochCursor.restore(at);
        long totalSteps = (long) config.training().epochs() * cursor.stepsPerEpoch();
        OnlineTrainer trainer = new OnlineTrainer(participants, data.train(), config.distill(), cursor,
                config.training().seed(), totalSteps, config.training().parallel());
        restoreStateFiles(trainer, checkpoint);
        // every check has passed: from here on the run folder changes
        return listeners -> {
            dir.writeJson(dir.provenanceFile(), provenance);
            if (!changedConfigKeys.isEmpty()) dir.writeText(dir.configFile(), context.config().yaml());
            logRuntime(now, config);  // this process's, not the run's first
            logSteps(participants);
            // from the final checkpoint only the run's end is redone (a stop or kill during it): its final evaluation
            // is made again, so an earlier process's copy of it must go
            List<EvaluationRecord> earlier = MetricsLog.truncateAfter(dir.metricsFile(), checkpoint.state().step(),
                    checkpoint.state().step() >= totalSteps);
            LOG.info("resuming {} from {} (step {}/{})", config.name(), checkpoint.dir().getFileName(), checkpoint.state().step(), totalSteps);
            return execute(context, data, trainer, provenance, earlier, checkpoint.state().trainingSeconds(), listeners);
        };
    }

    /** A user dataset's sources, split, classes and counts ({@code data.json}), and which of its examples are the test split. */
    private static void recordUserData(RunConfig config, RunDirectory dir) {
        if (!config.data().isUserData()) return;
        io.distill4j.data.user.UserDataSpec spec = config.data().request().user();
        io.distill4j.data.user.UserDatasets.Description d = io.distill4j.data.user.UserDatasets.describe(spec);
        dir.writeJson(dir.dataFile(), d.toJson(spec));
        if (d.testOrdinals() != null) {
            StringBuilder b = new StringBuilder();
            for (int i : d.testOrdinals()) b.append(i).append('\n');
            dir.writeText(dir.testExamplesFile(), b.toString());
        }
    }

    /** The one line a resume on other kernels logs (ResumeCommand's --same-kernels refuses instead). */
    private static String kernelChangeWarning(String change) {
        return "resuming on other kernels (" + change + "): the run continues correctly, but it will not be bitwise identical "
                + "to a run that was never stopped (resume --same-kernels refuses this)";
    }

    private static List<String> differingFiles(java.util.Map<String, String> recorded, java.util.Map<String, String> now) {
        java.util.TreeSet<String> names = new java.util.TreeSet<>(recorded.keySet());
        names.addAll(now.keySet());
        return names.stream().filter(n -> !java.util.Objects.equals(recorded.get(n), now.get(n))).toList();
    }

    @Override
    public Set<String> checkpointFiles(RunConfig config) {
        Set<String> files = new LinkedHashSet<>();
        for (String model : Participants.names(config.models(), config.distill().twins())) files.add(CheckpointStore.modelFile(model));
        files.addAll(OnlineTrainer.stateFileNames(config.models(), config.distill()));
        return files;
    }

    /** The publishers' signal memories (distill.temporalEnsemble): training state like the networks. */
    private static void restoreStateFiles(OnlineTrainer trainer, CheckpointStore.Loaded checkpoint) {
        try {
            trainer.restoreStateFiles(name -> {
                // only files the manifest lists were verified; a memory the checkpoint lacks means the config changed
                if (!checkpoint.has(name)) {
                    throw new CheckpointException("checkpoint " + checkpoint.dir().getFileName() + " has no " + name
                            + " (distill.temporalEnsemble needs the signal memory it was written with)");
                }
                try {
                    return checkpoint.open(name);
                } catch (IOException e) {
                    throw new CheckpointException("cannot read " + checkpoint.dir().resolve(name) + " (" + e.getMessage() + ")", e);
                }
            });
        } catch (IOException e) {
            throw new CheckpointException("cannot read the signal memory of checkpoint " + checkpoint.dir().getFileName()
                    + " (" + e.getMessage() + ")", e);
        }
    }

    private RunOutcome execute(RunContext context, LoadedDataset data, OnlineTrainer trainer, Provenance provenance,
                               List<EvaluationRecord> earlierEvaluations, double previousSeconds, List<RunListener> listeners) {
        RunConfig config = context.config().config();
        RunDirectory dir = context.directory();
        for (Participant p : trainer.participants()) {
            LOG.info("{} {} ({}, {} params) learns from {}{}", p.role().id(), p.name(), p.spec().family(),
                    String.format(Locale.ROOT, "%,d", p.parameterCount()), p.source() == null ? "labels" : p.source(),
                    (p.source() == null ? "" : ": " + describe(p)) + (p.spec().warmStart() == 0 ? "" : "; warm start: its learners "
                            + "learn from labels until step " + p.spec().warmStart() + (p.spec().warmsUpOnLabels() ? ", and so does it" : "")));
        }
        // periodic evaluation and learning curves use the validation split; the test split is for the final report only
        PeriodicEvaluation evaluation = new PeriodicEvaluation(data.validation().size() == 0 ? null
                : new Evaluator(data.validation(), trainer::stopIfRequested), config.training().evalEvery());
        evaluation.restoreHistory(earlierEvaluations);
        CheckpointListener checkpoints = new CheckpointListener(new CheckpointStore(dir.root()), config.checkpoint(),
                context.config().hash(), context.config().yaml(), config.training().seed(), previousSeconds);
        boolean completed;
        try (MetricsLog metrics = new MetricsLog(dir.metricsFile(), config.training().logEvery())) {
            evaluation.onEvaluation(metrics::onEvaluation).onEvaluation(OnlineDistillationRecipe::logEvaluation);
            // order matters: metrics and evaluation see a step before it is checkpointed
            trainer.addListener(new MetricsListener(metrics)).addListener(evaluation).addListener(checkpoints);
            for (RunListener l : listeners) trainer.addListener(l);
            completed = trainer.run();
        }
        if (!completed) {
            return new RunOutcome(false, trainer.step(), trainer.totalSteps(), null, checkpoints.lastCheckpoint(),
                    checkpoints.trainingSeconds());
        }
        // a SIGINT/SIGTERM from here on ends the run between pieces of work (StopRequestedException): the final
        // checkpoint is written, so resume redoes the export and report; each file is written whole or not at all
        trainer.stopIfRequested();
        // the test split first: a model whose test loss is not finite diverged (exit 5) and nothing is exported
        EvaluationRecord test = PeriodicEvaluation.evaluateAll(new Evaluator(data.test(), trainer::stopIfRequested),
                trainer.participants(), trainer.step(), "test");
        byte[] vocabulary = vocabularyBytes(data);
        if (vocabulary != null) AtomicFiles.write(dir.root().resolve(WordVocabulary.FILE_NAME), vocabulary);
        for (Participant p : trainer.participants()) {
            if (p.role() != Role.STUDENT) continue;
            trainer.stopIfRequested();
            // each student carries how it was made, so the zip says so wherever it is copied to; a text model carries
            // its vocabulary too, so that the zip alone turns raw text into a class
            ModelProvenance made = ModelProvenance.of(p.name(), p.role().id(), p.spec().family(), p.source(), p.parameterCount(),
                    trainer.step(), provenance);
            Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
            entries.put(ModelProvenance.ENTRY, made.toJson());
            if (vocabulary != null) entries.put(WordVocabulary.FILE_NAME, vocabulary);
            // how raw inputs become rows, and the class names: the zip alone classifies CSV rows, images or texts
            entries.putAll(preprocessing(data));
            dir.writeModel(dir.studentFile(p.name()), p.model(), entries);
        }
        RunReport report = report(config, trainer, evaluation, test, data, provenance, checkpoints.trainingSeconds());
        trainer.stopIfRequested();
        RunReports.write(dir, report);
        return new RunOutcome(true, trainer.step(), trainer.totalSteps(), report, checkpoints.lastCheckpoint(),
                checkpoints.trainingSeconds());
    }

    /** The preprocessing entries every student carries (a user dataset's fitted one, or a built-in dataset's). */
    private static Map<String, byte[]> preprocessing(LoadedDataset data) {
        return data.preprocessor() == null ? Map.of() : data.preprocessor().entries();
    }

    /** A text dataset's vocabulary as its file holds it, or null for an image dataset. */
    private static byte[] vocabularyBytes(LoadedDataset data) {
        if (data.vocabulary() == null) return null;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            data.vocabulary().writeTo(out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static LoadedDataset load(RunConfig config) {
        LoadedDataset data = DatasetLoader.load(config.data().request());
        LOG.info("data: {} train / {} validation / {} test examples of {} from {}", data.train().size(), data.validation().size(),
                data.test().size(), config.data().sourceName(), config.data().isUserData() ? config.data().train() : config.data().root());
        return data;
    }

    private static ModelFactory factory(LoadedDataset data, RunConfig config) {
        long totalSteps = (long) config.training().epochs() * (data.train().size() / config.training().batchSize());
        // a user's dataset: the shape its fitted preprocessing produces (a tokenizer's own vocabulary, a table's one-hot width)
        InputShape input = config.data().isUserData() ? data.preprocessor().shape()
                : data.info().isText() ? InputShape.text(config.data().maxLength(), config.data().vocabSize())
                : InputShape.image(data.info().height(), data.info().width(), data.info().channels());
        return new ModelFactory(data.info().numClasses(), input, totalSteps, config.training().engine(), config.training().precision());
    }

    private static void logRuntime(NativeRuntime runtime, RunConfig config) {
        LOG.info("runtime: {} binary {}, {} OpenMP thread(s), {} OpenBLAS thread(s), OpenBLAS core {}; {}; seed {}", runtime.backend(),
                runtime.binary(), runtime.ompThreads(), runtime.blasThreads(), runtime.blasCore(), runtime.cpu(), config.training().seed());
        BlasCore.warning(runtime.blasCore(), CpuInfo.current(), BlasCore.override()).ifPresent(LOG::warn);
    }

    /**
     * A learner's loss as it will train: {@code 0.5 labels + 0.5 logits (T 2) + 1 attention (layer 0 -> 1, auxiliary)},
     * then its warm start or auxiliary layer, so the log says exactly what each model learns.
     */
    static String describe(Participant p) {
        java.util.StringJoiner loss = new java.util.StringJoiner(" + ");
        for (io.distill4j.loss.Term t : p.terms()) {
            String detail = switch (t.kind()) {
                case LOGITS -> String.format(Locale.ROOT, " (T %s)", fmt(t.temperature()));
                case ATTENTION, HIDDEN, RELATIONS -> " (layer " + t.teacherLayer() + " -> " + t.studentLayer()
                        + (p.spec().auxiliaryLayer() && t.kind().attentionType() && t.studentLayer() == io.distill4j.config.LossTerms.layers(p.spec()) ? ", auxiliary" : "")
                        + (t.kind() == io.distill4j.loss.TermKind.RELATIONS ? ", " + t.relationHeads() + " relation heads" : "") + ")";
                default -> "";
            };
            String ramp = t.ramp() == null ? "" : " ramped " + fmt(t.ramp().start()) + "->" + fmt(t.weight()) + " over steps "
                    + t.ramp().from() + ".." + t.ramp().to();
            loss.add(fmt(t.weight()) + " " + t.label() + detail + ramp);
        }
        return loss.toString();
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static void logSteps(List<Participant> participants) {
        LOG.info("training steps: {}", participants.stream().map(p -> p.name() + "=" + p.model().engine()).toList());
    }

    private static Provenance readProvenance(RunDirectory dir) {
        try {
            return new ObjectMapper().readValue(dir.provenanceFile().toFile(), Provenance.class);
        } catch (IOException e) {
            throw new CheckpointException(dir.provenanceFile() + " is missing or unreadable; the run folder is damaged", e);
        }
    }

    /** Final figures: evaluation, exported size, compression against the teacher, measured inference cost. */
    private static RunReport report(RunConfig config, OnlineTrainer trainer, PeriodicEvaluation evaluation, EvaluationRecord test,
                                    LoadedDataset data, Provenance provenance, double seconds) {
        EvaluationRecord last = evaluation.last();
        LOG.info("test split: {}", test.models().entrySet().stream()
                .map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%.2f%%", 100 * e.getValue().accuracy()))
                .collect(Collectors.joining(", ")));
        InferenceBenchmark bench = new InferenceBenchmark(20, 50);
        Participant teacher = trainer.participants().stream().filter(p -> p.role() == Role.TEACHER).findFirst().orElse(null);
        long teacherBytes = teacher == null ? 0 : exportBytes(teacher);
        List<ModelSummary> models = new ArrayList<>();
        for (Participant p : trainer.participants()) {
            trainer.stopIfRequested();
            long bytes = exportBytes(p);
            models.add(new ModelSummary(p.name(), p.role().id(), p.spec().family(), p.parameterCount(),
                    p.source() == null ? ModelSpec.LABELS : p.source(), bytes,
                    teacher == null ? null : (double) teacher.parameterCount() / p.parameterCount(),
                    teacher == null ? null : (double) teacherBytes / bytes, test.models().get(p.name()),
                    last == null ? null : last.models().get(p.name()), p.role() == Role.TWIN ? p.identity() : null,
                    bench.measure(p.model(), data.test())));
        }
        return new RunReport(RunReport.SCHEMA_VERSION, config.name(), config.data().sourceName(), data.info().classNames(), RunReport.COMPLETE, trainer.step(),
                trainer.totalSteps(), seconds, models, StudentGain.of(models), RunReport.curves(evaluation.history()), provenance);
    }

    /**
     * Size of the deployable model as its engine writes it, without entries of ours, for every role alike. Not the size of
     * {@code students/<s>.zip}: its provenance entry differs between a run and the same run stopped and resumed (command
     * lines, times), the model does not, and the report's figures must not.
     */
    private static long exportBytes(Participant p) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            p.model().export(out, Map.of());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("in memory: cannot happen", e);
        }
        return out.size();
    }

    private static void logEvaluation(EvaluationRecord r) {
        LOG.info("validation @ step {}: {}", r.step(), r.models().entrySet().stream()
                .map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%.2f%%", 100 * e.getValue().accuracy()))
                .collect(Collectors.joining(", ")));
    }
}
