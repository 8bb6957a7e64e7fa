package io.distill4j.data.user.table;

import io.distill4j.data.DataException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/** A header row's column names: trimmed, a leading byte-order mark removed, duplicates refused. */
final class TableHeader {
    private TableHeader() {
    }

    static List<String> names(String file, List<String> fields) {
        List<String> names = new ArrayList<>();
        for (String f : fields) names.add(f.trim());
        if (!names.isEmpty() && names.get(0).startsWith("\uFEFF")) names.set(0, names.get(0).substring(1).trim());
        var seen = new HashSet<String>();
        for (String n : names) {
            if (!seen.add(n)) throw new DataException(file + ":1: duplicate column name '" + n + "' in the header " + names);
        }
        return List.copyOf(names);
    }

    /** Position of {@code name}, refusing its absence with the key that named it and the header. */
    static int position(String file, List<String> header, String name, String key) {
        int i = header.indexOf(name);
        if (i < 0) throw new DataException(file + ":1: " + key + " names column '" + name + "', which the header does not have; the header is " + header);
        return i;
    }
}
