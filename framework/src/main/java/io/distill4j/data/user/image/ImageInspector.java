package io.distill4j.data.user.image;

import io.distill4j.data.DataException;
import io.distill4j.data.user.ClassNames;
import io.distill4j.data.user.Inspection;
import io.distill4j.data.InputShape;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an image folder holds, from the files' headers alone (no pixels decoded): classes and counts, the sizes seen,
 * grey or colour, the formats; and the {@code data} keys to start from: the most common size, shrunk (aspect kept)
 * to at most {@value #MAX_SIDE} pixels a side so that a folder of photos does not start as a huge input, and one
 * channel only when every image is grey.
 */
final class ImageInspector {
    /** The longest side suggested for a first config. */
    static final int MAX_SIDE = 64;

    private ImageInspector() {
    }

    static Inspection inspect(Path root) {
        if (!Files.isDirectory(root)) throw new DataException(root + ": expected a folder of class folders of images");
        List<ImageFiles.Entry> entries = ImageFiles.labelled(root);
        Map<String, Long> perLabel = new TreeMap<>();
        Map<String, Integer> sizes = new TreeMap<>();
        Map<String, Integer> formats = new TreeMap<>();
        int minH = Integer.MAX_VALUE, minW = Integer.MAX_VALUE, maxH = 0, maxW = 0;
        int grey = 0;
        for (ImageFiles.Entry e : entries) {
            ImageDecoder.Header h = ImageDecoder.header(e.file());
            perLabel.merge(e.label(), 1L, Long::sum);
            sizes.merge(h.height() + "x" + h.width(), 1, Integer::sum);
            formats.merge(h.format(), 1, Integer::sum);
            minH = Math.min(minH, h.height());
            minW = Math.min(minW, h.width());
            maxH = Math.max(maxH, h.height());
            maxW = Math.max(maxW, h.width());
            if (h.grey()) grey++;
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String c : ClassNames.of(perLabel.keySet())) counts.put(c, perLabel.get(c));
        // the most common size; ties go to the first in sorted order, so the suggestion is stable
        String common = sizes.entrySet().stream().max(Comparator.comparingInt(Map.Entry<String, Integer>::getValue)
                .thenComparing(Map.Entry::getKey, Comparator.reverseOrder())).orElseThrow().getKey();
        int commonH = Integer.parseInt(common.substring(0, common.indexOf('x')));
        int commonW = Integer.parseInt(common.substring(common.indexOf('x') + 1));
        int[] suggested = capped(commonH, commonW);
        int channels = grey == entries.size() ? 1 : 3;
        List<String> details = new ArrayList<>();
        details.add(entries.size() + " images in " + counts.size() + " class folders");
        details.add("sizes (height x width): most common " + common + " (" + sizes.get(common) + " images)"
                + (sizes.size() > 1 ? ", smallest " + minH + "x" + minW + ", largest " + maxH + "x" + maxW + ", " + sizes.size() + " distinct" : ", all alike"));
        details.add(grey == entries.size() ? "all grey" : grey == 0 ? "all colour" : grey + " grey, " + (entries.size() - grey) + " colour");
        details.add("formats: " + formats);
        if (suggested[0] != commonH || suggested[1] != commonW) {
            details.add("suggested size " + suggested[0] + "x" + suggested[1] + ": the most common size shrunk to at most " + MAX_SIDE + " a side");
        }
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put("height", suggested[0]);
        keys.put("width", suggested[1]);
        keys.put("channels", channels);
        return new Inspection(ImageFolderFormat.NAME, entries.size(), counts, InputShape.image(suggested[0], suggested[1], channels), details, keys);
    }

    /** {@code h x w} shrunk so that neither side exceeds {@link #MAX_SIDE}, the aspect ratio kept (rounded, at least 1). */
    static int[] capped(int h, int w) {
        int longest = Math.max(h, w);
        if (longest <= MAX_SIDE) return new int[]{h, w};
        double s = (double) MAX_SIDE / longest;
        return new int[]{Math.max(1, (int) Math.round(h * s)), Math.max(1, (int) Math.round(w * s))};
    }
}
