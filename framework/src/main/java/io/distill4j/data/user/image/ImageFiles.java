package io.distill4j.data.user.image;

import io.distill4j.data.DataException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Which files of an image folder are images: by extension, case-insensitively. Hidden files (a leading dot, such as
 * {@code .DS_Store}) are skipped; any other file is refused by name rather than skipped, so that a stray PDF or a TIFF
 * the decoder cannot read never silently shrinks a class.
 */
final class ImageFiles {
    /** The extensions read, lower case. */
    static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

    /** One image and the class folder it sits in (null: no class folder). */
    record Entry(Path file, String label) {
    }

    private ImageFiles() {
    }

    static boolean isImage(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    static boolean hidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }

    /**
     * The visible entries of {@code folder}, sorted by name as Java strings: the same order on every platform (a Path's
     * own order ignores case on Windows), so the rows, and the split drawn over them, do not depend on where it runs.
     */
    static List<Path> children(Path folder) {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> !hidden(p)).sorted(Comparator.comparing((Path p) -> p.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new DataException(folder + ": cannot list the folder (" + e.getMessage() + ")", e);
        }
    }

    /** The class folders of {@code root}, sorted by name; a plain file beside them is refused. */
    static List<Path> classFolders(Path root) {
        if (!Files.isDirectory(root)) throw new DataException(root + ": expected a folder of class folders, found no such folder");
        List<Path> folders = new ArrayList<>();
        for (Path p : children(root)) {
            if (!Files.isDirectory(p)) {
                throw new DataException(p + ": expected only class folders (one per class, holding its images) in " + root);
            }
            folders.add(p);
        }
        if (folders.isEmpty()) throw new DataException(root + ": holds no class folders; expected one sub-folder of images per class");
        return folders;
    }

    /** The images of one folder, sorted; a non-image file or a sub-folder is refused, and so is a folder with no image. */
    static List<Path> images(Path folder) {
        List<Path> out = new ArrayList<>();
        for (Path p : children(folder)) {
            if (Files.isDirectory(p)) throw new DataException(p + ": expected image files in " + folder + ", found a folder");
            if (!isImage(p)) throw new DataException(p + ": not an image file; expected one of " + extensions());
            out.add(p);
        }
        if (out.isEmpty()) throw new DataException(folder + ": holds no images; expected " + extensions() + " files");
        return out;
    }

    /** Every image of a folder of class folders, class folder by class folder, labelled by the folder's name. */
    static List<Entry> labelled(Path root) {
        List<Entry> out = new ArrayList<>();
        for (Path folder : classFolders(root)) {
            String label = folder.getFileName().toString();
            for (Path f : images(folder)) out.add(new Entry(f, label));
        }
        return out;
    }

    static String extensions() {
        return "." + String.join(" .", new java.util.TreeSet<>(EXTENSIONS));
    }
}
