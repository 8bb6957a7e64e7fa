package io.distill4j.data.user;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The fixed order of a dataset's classes: label values sorted numerically when every one is an integer (so "2" comes
 * before "10"), otherwise by their text. Class index = position in this order, in the run, the report and every export.
 */
public final class ClassNames {
    private ClassNames() {
    }

    /** The distinct labels of {@code labels}, in class-index order. */
    public static List<String> of(Collection<String> labels) {
        TreeSet<String> distinct = new TreeSet<>(labels);
        List<String> names = new ArrayList<>(distinct);
        if (names.stream().allMatch(ClassNames::isInteger)) {
            names.sort(Comparator.comparing(java.math.BigInteger::new));
        }
        return List.copyOf(names);
    }

    /** Class index by name, for {@code names} in class-index order. */
    public static Map<String, Integer> indexOf(List<String> names) {
        return java.util.stream.IntStream.range(0, names.size()).boxed()
                .collect(Collectors.toUnmodifiableMap(names::get, Function.identity()));
    }

    private static boolean isInteger(String s) {
        return s.matches("-?\\d{1,30}");
    }
}
