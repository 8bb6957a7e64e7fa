package io.distill4j.train;

import io.distill4j.config.DistillSpec;
import io.distill4j.config.ModelSpec;
import io.distill4j.config.ModelsSpec;
import io.distill4j.model.Head;
import io.distill4j.model.NetworkFactory;
import io.distill4j.step.TrainingSteps;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.ArrayList;
import java.util.List;

/** Builds the participants of a run from the validated config, in step order (teacher, assistant, students). */
public final class Participants {
    private Participants() {
    }

    /** Model {@code i} in step order is initialised from {@code seed + SEED_STRIDE * i}. */
    public static final long SEED_STRIDE = 7919L;

    /** Fresh networks with the default engine ({@link TrainingSteps#FUSED}). */
    public static List<Participant> build(ModelsSpec models, DistillSpec distill, long seed, NetworkFactory factory) {
        return build(models, distill, seed, factory, TrainingSteps.FUSED);
    }

    public static List<Participant> build(ModelsSpec models, DistillSpec distill, long seed, NetworkFactory factory, String engine) {
        return assemble(models, (spec, head, i) -> factory.build(spec, head, distill.temperature(), distill.alpha(),
                seed + SEED_STRIDE * i), engine);
    }

    /** Supplies the network of model {@code index} (in step order): freshly built, or restored from a checkpoint. */
    @FunctionalInterface
    public interface NetworkSource {
        MultiLayerNetwork network(ModelSpec spec, Head head, int index);
    }

    /** Participants over the given networks, each stepping with {@code engine} ({@code training.engine}). */
    public static List<Participant> assemble(ModelsSpec models, NetworkSource networks, String engine) {
        List<ModelSpec> all = models.all();
        List<Participant> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            ModelSpec spec = all.get(i);
            Role role = spec == models.teacher() ? Role.TEACHER : spec == models.assistant() ? Role.ASSISTANT : Role.STUDENT;
            String source = spec.learnsFromLabelsOnly() ? null : publisherName(models, spec.learnsFrom());
            boolean publishes = isSourceOfAnyone(models, role);
            Head head = source == null ? Head.LABELS : Head.DISTILL;
            MultiLayerNetwork net = networks.network(spec, head, i);
            out.add(new Participant(spec.name(), role, spec, TrainingSteps.create(net, engine, spec.name()), source, publishes));
        }
        return out;
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
