package io.distill4j.train;

import io.distill4j.runtime.Sha256;
import io.distill4j.config.DistillSpec;
import io.distill4j.config.LossTerms;
import io.distill4j.loss.Term;
import io.distill4j.config.ModelSpec;
import io.distill4j.config.ModelsSpec;
import io.distill4j.model.Head;
import io.distill4j.model.ModelFactory;
import io.distill4j.model.TrainableModel;

import io.distill4j.model.EntryChecksums;
import io.distill4j.model.ModelFileException;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.security.DigestInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;

/**
 * Builds the participants of a run from the validated config, in step order: teacher, assistant, students, then
 * (with {@code distill.twins}) one scratch twin per student that learns from a publisher.
 */
public final class Participants {
    private Participants() {
    }

    /**
     * The seed of a model's initial weights: a function of the run's seed and the model's name only, never of its
     * position in the config, so a student starts from the same weights in every recipe that names it the same
     * (and its twin, which shares its identity, from the very same weights).
     */
    public static long initSeed(long seed, String identity) {
        return mix(seed * 0x9E3779B97F4A7C15L + fnv1a(identity));
    }

    /** A per-model constant for seeding per-step randomness (dropout), again from the name and not the position. */
    public static long identityKey(String identity) {
        return fnv1a(identity) & 0xFFFFFFFL;
    }

    private static long fnv1a(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** SplitMix64's finaliser: nearby inputs give unrelated seeds. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Fresh models, built by {@code factory} (which says the engine and precision they train with). */
    public static List<Participant> build(ModelsSpec models, DistillSpec distill, long seed, ModelFactory factory) {
        return assemble(models, distill, fresh(models, distill, seed, factory));
    }

    /** Builds each model fresh from its identity: its initial weights from (seed, identity), never from its position. */
    public static ModelSource fresh(ModelsSpec models, DistillSpec distill, long seed, ModelFactory factory) {
        return (spec, head, name, identity) -> {
            ModelSpec publisher = head == Head.LABELS ? null : LossTerms.publisher(models, spec);
            return factory.build(head == Head.LABELS ? labelsOnly(spec) : spec, factory.context(name, identity, head,
                    LossTerms.resolve(spec, publisher, distill), publisher, initSeed(seed, identity)));
        };
    }

    /** A model's spec as a labels-only model (a twin): no auxiliary layer, which only distillation terms use. */
    private static ModelSpec labelsOnly(ModelSpec spec) {
        if (!spec.auxiliaryLayer()) return spec;
        return spec.withDistillation(spec.terms(), false, spec.warmStartSteps());
    }


    /**
     * Starts every model whose spec names a saved model ({@code init:}) from its weights (a twin too: it starts where its
     * student starts). Returns, per model, the file and its SHA-256, for provenance.
     *
     * @throws InitialWeightsException if a file cannot be read or holds another architecture
     */
    public static Map<String, String> initialise(List<Participant> participants) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> students = participants.stream().filter(p -> p.role() == Role.STUDENT).map(Participant::name).toList();
        for (Participant p : participants) {
            String file = p.spec().init();
            if (file == null) continue;
            try {
                out.put(p.name(), file + " (sha256 " + initialiseFrom(p, Path.of(file)) + ")");
            } catch (ModelFileException e) {
                throw failed(p, students, file, e.describe());
            } catch (NoSuchFileException e) {
                throw failed(p, students, file, "no such file");
            } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
                // IllegalStateException: ND4J's own complaints; the checks before any native call should leave none
                throw failed(p, students, file, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
        }
        return out;
    }

    /**
     * Streams the file into the model (which reads it as an untrusted zip, bounded entry by entry) and returns its SHA-256,
     * taken on the way: the file is never held whole in memory.
     */
    private static String initialiseFrom(Participant p, Path file) throws IOException {
        MessageDigest sha = Sha256.digest();
        try (InputStream in = new DigestInputStream(new BufferedInputStream(Files.newInputStream(file)), sha)) {
            p.model().initialise(in);
            in.transferTo(OutputStream.nullOutputStream());   // the whole file's hash, whatever the reader left
        }
        return Sha256.hex(sha);
    }

    private static InitialWeightsException failed(Participant p, List<String> students, String file, String problem) {
        String owner = p.identity();   // a twin's init is its student's key
        String key = p.role() == Role.TEACHER ? "models.teacher" : p.role() == Role.ASSISTANT ? "models.assistant"
                : "models.students[" + students.indexOf(owner) + "]";
        return new InitialWeightsException(key + ".init", file, "cannot start '" + p.name() + "' from it: " + problem);
    }

    /** Supplies a model: freshly built from its identity, or also restored from a checkpoint by its name. */
    @FunctionalInterface
    public interface ModelSource {
        TrainableModel model(ModelSpec spec, Head head, String name, String identity);
    }

    /** Participants over the given models, in step order. */
    public static List<Participant> assemble(ModelsSpec models, DistillSpec distill, ModelSource supply) {
        boolean twins = distill.twins();
        List<Participant> out = new ArrayList<>();
        for (ModelSpec spec : models.all()) {
            Role role = spec == models.teacher() ? Role.TEACHER : spec == models.assistant() ? Role.ASSISTANT : Role.STUDENT;
            String source = spec.learnsFromLabelsOnly() ? null : publisherName(models, spec.learnsFrom());
            boolean publishes = isSourceOfAnyone(models, role);
            Head head = source == null ? Head.LABELS : Head.DISTILL;
            List<Term> terms = LossTerms.resolve(spec, source == null ? null : LossTerms.publisher(models, spec), distill);
            out.add(new Participant(spec.name(), role, spec, supply.model(spec, head, spec.name(), spec.name()), source, publishes,
                    spec.name(), terms));
        }
        if (twins) {
            for (ModelSpec spec : twinned(models)) {
                String name = ModelsSpec.twinName(spec.name());
                out.add(new Participant(name, Role.TWIN, spec, supply.model(spec, Head.LABELS, name, spec.name()), null, false, spec.name(),
                        List.of(Term.labels(1))));
            }
        }
        return out;
    }

    /** The names {@link #assemble} gives, in its order, without building a model (the models a checkpoint holds). */
    public static List<String> names(ModelsSpec models, boolean twins) {
        List<String> out = new ArrayList<>();
        for (ModelSpec spec : models.all()) out.add(spec.name());
        if (twins) for (ModelSpec spec : twinned(models)) out.add(ModelsSpec.twinName(spec.name()));
        return out;
    }

    /** The models some other model learns from, by name, in step order. */
    public static List<String> publishers(ModelsSpec models) {
        List<String> out = new ArrayList<>();
        if (models.teacher() != null && isSourceOfAnyone(models, Role.TEACHER)) out.add(models.teacher().name());
        if (models.assistant() != null && isSourceOfAnyone(models, Role.ASSISTANT)) out.add(models.assistant().name());
        return out;
    }

    /** The students that get a scratch twin: those that learn from a publisher. */
    private static List<ModelSpec> twinned(ModelsSpec models) {
        return models.students().stream().filter(s -> !s.learnsFromLabelsOnly()).toList();
    }

    private static String publisherName(ModelsSpec models, String learnsFrom) {
        return ModelsSpec.ASSISTANT.equals(learnsFrom) ? models.assistant().name() : models.teacher().name();
    }

    private static boolean isSourceOfAnyone(ModelsSpec models, Role role) {
        if (role == Role.STUDENT) return false;
        String ref = role == Role.TEACHER ? ModelsSpec.TEACHER : ModelsSpec.ASSISTANT;
        return models.all().stream().anyMatch(m -> ref.equals(m.learnsFrom()));
    }
}
