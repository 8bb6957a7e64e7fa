package io.distill4j.cli;

import io.distill4j.study.StudyDefinition;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code --seeds 1,2,3} or {@code 1-5} or both mixed ({@code 1-3,7}): distinct non-negative seeds in the order given. */
final class SeedList {
    private static final Pattern ITEM = Pattern.compile("(\\d{1,18})(?:-(\\d{1,18}))?");
    /** At most {@link StudyDefinition#MAX_SEEDS}, as a study.json may hold. */
    static final int MAX = StudyDefinition.MAX_SEEDS;

    private SeedList() {
    }

    /** The seeds, or a {@link UserInputException} (exit 2) in one line saying what is wrong. */
    static List<Long> parse(String text) {
        if (text == null || text.isBlank()) throw bad(text, "expected a comma-separated list of seeds such as 1,2,3 or 1-3");
        LinkedHashSet<Long> seeds = new LinkedHashSet<>();
        for (String item : text.split(",", -1)) {
            Matcher m = ITEM.matcher(item.strip());
            if (!m.matches()) throw bad(text, "'" + item.strip() + "' is not a non-negative integer or a range like 1-3");
            long from = Long.parseLong(m.group(1));
            long to = m.group(2) == null ? from : Long.parseLong(m.group(2));
            if (to < from) throw bad(text, "range " + item.strip() + " runs backwards");
            if (to - from >= MAX) throw bad(text, "more than " + MAX + " seeds");
            for (long s = from; s <= to; s++) {
                if (!seeds.add(s)) throw bad(text, "seed " + s + " is given twice");
            }
            if (seeds.size() > MAX) throw bad(text, "more than " + MAX + " seeds");
        }
        return new ArrayList<>(seeds);
    }

    private static UserInputException bad(String text, String why) {
        return new UserInputException(ExitCodes.USAGE, "--seeds " + (text == null ? "" : "'" + text + "'") + ": " + why);
    }
}
