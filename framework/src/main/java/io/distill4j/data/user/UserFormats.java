package io.distill4j.data.user;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** The user data formats by their {@code data.format} name: adding one is a class and a line here. */
public final class UserFormats {
    private static final SortedMap<String, UserFormat> BY_NAME = new TreeMap<>();

    static {
        for (UserFormat f : List.<UserFormat>of(
                // registered formats: one line each
                new io.distill4j.data.user.image.ImageFolderFormat(),
                io.distill4j.data.user.text.TextFormat.jsonl(),
                io.distill4j.data.user.text.TextFormat.csv(),
                io.distill4j.data.user.text.TextFormat.folders(),
                io.distill4j.data.user.table.TableFormat.csv(), io.distill4j.data.user.table.TableFormat.tsv()
        )) {
            BY_NAME.put(f.name(), f);
        }
    }

    private UserFormats() {
    }

    /** Format names, sorted. */
    public static java.util.Set<String> names() {
        return Collections.unmodifiableSortedMap(BY_NAME).keySet();
    }

    /** The format called {@code name}; IllegalArgumentException naming the known ones otherwise. */
    public static UserFormat get(String name) {
        UserFormat f = name == null ? null : BY_NAME.get(name);
        if (f == null) throw new IllegalArgumentException("unknown data format '" + name + "', known: " + names());
        return f;
    }

    static Map<String, UserFormat> all() {
        return Collections.unmodifiableSortedMap(BY_NAME);
    }
}
