package io.distill4j.checkpoint;

import io.distill4j.runtime.Sha256;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.distill4j.data.EpochCursor;
import io.distill4j.model.TrainableModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checkpoints in {@code <run>/checkpoints/step-NNNNNNNN/}. Writing is crash-safe: files go into a hidden
 * temporary folder and are fsynced, the manifest with every file's SHA-256 is written last, the folder is
 * renamed into place and {@code latest} is replaced atomically. A process killed at any instant leaves the
 * previous complete checkpoint, or the new one; loading verifies the manifest and skips anything else.
 */
public final class CheckpointStore {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern NAME = Pattern.compile("step-(\\d{8})");
    static final String MANIFEST = "manifest.json";
    static final String STATE = "state.json";
    static final String LATEST = "latest";
    private static final String ZIP = ".zip";
    /** The resolved config the checkpointed run was using, so a resume can list exactly which keys changed. */
    public static final String CONFIG = "config.yaml";

    private final Path root;

    public CheckpointStore(Path runDir) {
        this.root = runDir.resolve("checkpoints");
    }

    public Path root() {
        return root;
    }

    public static String name(long step) {
        return String.format("step-%08d", step);
    }

    /** Writes a complete checkpoint of {@code models} (name → model, with optimizer state) and {@code state}; keeps the newest {@code keep}. */
    public Path write(Map<String, ? extends TrainableModel> models, TrainerState state, String configYaml, int keep) {
        return write(models, Map.of(), state, configYaml, keep);
    }

    /**
     * As {@link #write(Map, TrainerState, String, int)}, with further training state as files of their own
     * ({@code extras}: file name → bytes, e.g. a publisher's signal memory), checksummed in the manifest like the rest.
     */
    public Path write(Map<String, ? extends TrainableModel> models, Map<String, byte[]> extras, TrainerState state, String configYaml,
                      int keep) {
        String name = name(state.step());
        Path target = root.resolve(name);
        Path tmp = root.resolve("." + name + ".tmp");
        try {
            Files.createDirectories(root);
            deleteRecursively(tmp);
            Files.createDirectories(tmp);
            Map<String, String> sums = new TreeMap<>();
            for (Map.Entry<String, ? extends TrainableModel> e : models.entrySet()) {
                Path f = tmp.resolve(modelFile(e.getKey()));
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(f))) {
                    e.getValue().save(out);
                }
                sums.put(f.getFileName().toString(), syncAndHash(f));
            }
            for (Map.Entry<String, byte[]> e : extras.entrySet()) {
                Path f = tmp.resolve(e.getKey());
                Files.write(f, e.getValue());
                sums.put(e.getKey(), syncAndHash(f));
            }
            Path configFile = tmp.resolve(CONFIG);
            Files.writeString(configFile, configYaml, StandardCharsets.UTF_8);
            sums.put(CONFIG, syncAndHash(configFile));
            Path stateFile = tmp.resolve(STATE);
            Files.write(stateFile, JSON.writeValueAsBytes(state));
            sums.put(STATE, syncAndHash(stateFile));
            Path manifest = tmp.resolve(MANIFEST);
            Files.write(manifest, JSON.writeValueAsBytes(new Manifest(Manifest.FORMAT_VERSION, state.step(), state.configHash(), sums)));
            syncAndHash(manifest);
            syncDirectory(tmp);
            if (Files.exists(target)) deleteRecursively(target);  // a re-run of the same step after resume
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(root);
            Path latestTmp = root.resolve(LATEST + ".tmp");
            Files.writeString(latestTmp, name + "\n", StandardCharsets.UTF_8);
            syncAndHash(latestTmp);
            Files.move(latestTmp, root.resolve(LATEST), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(root);
        } catch (IOException e) {
            try {
                deleteRecursively(tmp);
            } catch (IOException ignored) {
                // the hidden temporary folder is never read; leaving it is harmless
            }
            throw new CheckpointException("cannot write checkpoint " + name + " in " + root + " (" + describe(e) + "); "
                    + previousCheckpoint(target), e);
        }
        prune(keep);
        return target;
    }

    /** What a failed write leaves to resume from: say "intact" only of a checkpoint that exists (D22). */
    private String previousCheckpoint(Path failed) {
        List<Path> kept;
        try {
            kept = list().stream().filter(p -> !p.equals(failed)).toList();
        } catch (CheckpointException e) {
            kept = List.of();
        }
        return kept.isEmpty() ? "no earlier checkpoint exists, so the run cannot be resumed: start it again"
                : "the previous checkpoint, " + kept.get(0).getFileName() + ", is intact";
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied: " + m;
        if (m != null && m.contains("No space left")) return "no space left on device";
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    /** Complete checkpoint folders, newest first (by step). Temporary folders are never listed. */
    public List<Path> list() {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(root)) return out;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path d : dirs) if (Files.isDirectory(d) && NAME.matcher(d.getFileName().toString()).matches()) out.add(d);
        } catch (IOException e) {
            throw new CheckpointException("cannot list checkpoints in " + root + " (" + e.getMessage() + ")", e);
        }
        out.sort(Comparator.comparingLong(CheckpointStore::stepOf).reversed());
        return out;
    }

    static long stepOf(Path dir) {
        Matcher m = NAME.matcher(dir.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /** File name of a model's zip inside a checkpoint. */
    public static String modelFile(String model) {
        return model + ZIP;
    }

    /**
     * What a resume will read from a checkpoint besides {@code state.json} and {@code config.yaml} (each model's zip,
     * extra state files), worked out from the checkpoint's own {@code config.yaml}: the run as it was checkpointed,
     * not as a {@code --set} on resume would change it.
     */
    @FunctionalInterface
    public interface Needs {
        Set<String> files(Path configFile);
    }

    /**
     * Checks the manifest and every file's SHA-256, and that the manifest lists every file in the folder (a file it
     * does not list would be read unverified); returns the problem in one phrase, or empty if valid.
     */
    public Optional<String> verify(Path dir) {
        return Optional.ofNullable(readManifest(dir).problem());
    }

    private Checked readManifest(Path dir) {
        Manifest manifest;
        try {
            manifest = JSON.readValue(dir.resolve(MANIFEST).toFile(), Manifest.class);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            return Checked.problem("no manifest.json (incomplete)");
        } catch (IOException e) {
            return Checked.problem("manifest.json is unreadable or truncated");
        }
        if (manifest.formatVersion() != Manifest.FORMAT_VERSION) {
            return Checked.problem("checkpoint format " + manifest.formatVersion() + ", this version reads " + Manifest.FORMAT_VERSION);
        }
        if (manifest.sha256() == null || !manifest.sha256().containsKey(STATE) || !manifest.sha256().containsKey(CONFIG)) {
            return Checked.problem("manifest.json does not list state.json and config.yaml");
        }
        for (Map.Entry<String, String> e : manifest.sha256().entrySet()) {
            Path f = dir.resolve(e.getKey());
            if (!Files.isRegularFile(f)) return Checked.problem(e.getKey() + " is missing");
            try {
                if (!hash(f).equals(e.getValue())) return Checked.problem(e.getKey() + " does not match its SHA-256 (corrupted)");
            } catch (IOException ex) {
                return Checked.problem(e.getKey() + " cannot be read");
            }
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            TreeSet<String> unlisted = new TreeSet<>();
            for (Path f : files) unlisted.add(f.getFileName().toString());
            unlisted.remove(MANIFEST);
            unlisted.removeAll(manifest.sha256().keySet());
            if (!unlisted.isEmpty()) return Checked.problem(unlisted.first() + " is not listed in manifest.json");
        } catch (IOException e) {
            return Checked.problem("the folder cannot be listed (" + e.getMessage() + ")");
        }
        return Checked.valid(manifest);
    }

    /** A manifest that passed verification, or the problem in one phrase. */
    private record Checked(Manifest manifest, String problem) {
        static Checked valid(Manifest m) {
            return new Checked(m, null);
        }

        static Checked problem(String p) {
            return new Checked(null, p);
        }
    }

    /**
     * A verified checkpoint read back: the trainer state, the path of each model's file by name, and the files its
     * manifest lists (the only ones a restore may read).
     */
    public record Loaded(Path dir, TrainerState state, Map<String, Path> models, Set<String> listed) {
        public Path configFile() {
            return dir.resolve(CONFIG);
        }

        public boolean has(String file) {
            return listed.contains(file);
        }

        /** Opens a file the manifest lists; any other is refused, since only listed files were verified. */
        public InputStream open(String file) throws IOException {
            if (!has(file)) throw new CheckpointException("checkpoint " + dir.getFileName() + " does not list " + file + " in its manifest.json");
            return Files.newInputStream(dir.resolve(file));
        }

        /**
         * Restores model {@code name} into {@code into} (built from the same spec). A model that cannot continue as
         * {@code into} ({@link TrainableModel#restore}'s IllegalArgumentException) is a CheckpointException naming it.
         */
        public void restore(String name, TrainableModel into) {
            Path f = models.get(name);
            if (f == null) throw new CheckpointException(dir + " has no model '" + name + "'; the config names a model the run never had");
            try (InputStream in = Files.newInputStream(f)) {
                into.restore(in);
            } catch (java.io.EOFException e) {
                throw new CheckpointException("cannot restore " + f + " (truncated)", e);
            } catch (IOException e) {
                throw new CheckpointException("cannot restore " + f + " (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")", e);
            } catch (IllegalArgumentException e) {
                throw new CheckpointException("model '" + name + "' " + e.getMessage(), e);
            }
        }
    }

    /** As {@link #loadNewestValid(Long, Needs, java.util.function.Consumer)} needing only what each manifest lists. */
    public Loaded loadNewestValid(Long maxStep, java.util.function.Consumer<String> skipped) {
        return loadNewestValid(maxStep, config -> Set.of(), skipped);
    }

    /**
     * The newest valid checkpoint at or before {@code maxStep} (null = the newest of all) whose manifest lists every
     * file in {@code needs}; each invalid one met on the way is reported to {@code skipped} in one line. Throws if
     * none is valid.
     */
    public Loaded loadNewestValid(Long maxStep, Needs needs, java.util.function.Consumer<String> skipped) {
        return loadNewestValid(maxStep, needs, candidate -> Optional.empty(), skipped);
    }

    /**
     * A check of a checkpoint's further files (e.g. a signal memory) against its state, before the checkpoint is used:
     * a problem makes it unusable, like a failed hash, and the previous one is tried.
     */
    @FunctionalInterface
    public interface Check {
        Optional<String> problem(Loaded candidate);
    }

    /**
     * As {@link #loadNewestValid(Long, Needs, java.util.function.Consumer)}; a checkpoint whose {@code state.json} holds
     * values no run writes ({@link #stateProblem}) or that fails {@code check} is skipped too.
     */
    public Loaded loadNewestValid(Long maxStep, Needs needs, Check check, java.util.function.Consumer<String> skipped) {
        List<Path> all = list();
        if (all.isEmpty()) throw new CheckpointException("no checkpoint in " + root);
        for (Path dir : all) {
            if (maxStep != null && stepOf(dir) > maxStep) continue;
            Checked checked = readManifest(dir);
            String problem = checked.problem() != null ? checked.problem() : unmet(checked.manifest(), needs.files(dir.resolve(CONFIG)));
            if (problem != null) {
                skipped.accept("checkpoint " + dir.getFileName() + " is not usable: " + problem);
                continue;
            }
            try {
                TrainerState state = JSON.readValue(dir.resolve(STATE).toFile(), TrainerState.class);
                Map<String, Path> models = new LinkedHashMap<>();
                for (String file : checked.manifest().sha256().keySet()) {
                    if (file.endsWith(ZIP)) models.put(file.substring(0, file.length() - ZIP.length()), dir.resolve(file));
                }
                Loaded candidate = new Loaded(dir, state, models, Set.copyOf(checked.manifest().sha256().keySet()));
                Optional<String> bad = Optional.ofNullable(stateProblem(state, dir, checked.manifest())).map(p -> "state.json: " + p)
                        .or(() -> check.problem(candidate));
                if (bad.isPresent()) {
                    skipped.accept("checkpoint " + dir.getFileName() + " is not usable: " + bad.get());
                    continue;
                }
                return candidate;
            } catch (IOException e) {
                skipped.accept("checkpoint " + dir.getFileName() + " is not usable: state.json cannot be read");
            }
        }
        throw new CheckpointException("no valid checkpoint in " + root
                + (maxStep == null ? "" : " at or before step " + maxStep) + " (all " + all.size() + " failed verification)");
    }

    /**
     * What in a state.json that matches its hash no run writes (a hand-edited file with a recomputed hash, or a writer
     * bug), in one phrase; null if nothing. Checked here so that such a checkpoint falls back like a corrupt one instead
     * of failing deep in the trainer.
     */
    static String stateProblem(TrainerState s, Path dir, Manifest manifest) {
        if (s.step() < 0) return "step is " + s.step() + ", expected >= 0";
        if (s.step() != stepOf(dir)) return "step " + s.step() + " does not match the folder name " + dir.getFileName();
        if (manifest.step() != s.step()) return "step " + s.step() + " differs from manifest.json's " + manifest.step();
        if (s.totalSteps() < 0) return "totalSteps is " + s.totalSteps() + ", expected >= 0";
        if (!(s.trainingSeconds() >= 0) || Double.isInfinite(s.trainingSeconds())) {
            return "trainingSeconds is " + s.trainingSeconds() + ", expected a finite number >= 0";
        }
        EpochCursor.State c = s.cursor();
        if (c == null) return "no cursor";
        if (c.batchSize() < 1 || c.datasetSize() < c.batchSize()) {
            return "cursor: batchSize " + c.batchSize() + " of a dataset of " + c.datasetSize() + " examples, expected 1..datasetSize";
        }
        int steps = c.datasetSize() / c.batchSize();
        if (c.epoch() < 0 || c.position() < 0 || c.position() > steps) {
            return "cursor: epoch " + c.epoch() + ", position " + c.position() + ", expected epoch >= 0 and position in 0.." + steps
                    + " (batches per epoch of " + c.datasetSize() + " examples)";
        }
        long at = (long) c.epoch() * steps + c.position();
        if (at != s.step()) return "cursor (epoch " + c.epoch() + ", position " + c.position() + ") is at step " + at + ", not step " + s.step();
        return null;
    }

    /** The first needed file the manifest does not list, as a problem phrase; null if it lists them all. */
    private static String unmet(Manifest manifest, Set<String> needed) {
        return needed.stream().filter(f -> !manifest.sha256().containsKey(f)).sorted().findFirst()
                .map(f -> "manifest.json does not list " + f + ", which the run needs").orElse(null);
    }

    private void prune(int keep) {
        List<Path> all = list();
        for (int i = keep; i < all.size(); i++) {
            try {
                deleteRecursively(all.get(i));
            } catch (IOException e) {
                LOG.warn("could not delete old checkpoint {}: {}", all.get(i), e.getMessage());
            }
        }
    }

    private static String syncAndHash(Path f) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        return hash(f);
    }

    static String hash(Path f) throws IOException {
        return Sha256.of(f);
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
