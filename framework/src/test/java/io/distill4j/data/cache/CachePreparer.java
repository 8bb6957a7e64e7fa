package io.distill4j.data.cache;

import io.distill4j.data.user.Part;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A process preparing a cache (FeatureCacheProcessTest): {@code <root> <source> <rows> <sleepMsAtHalf> <runsFile>};
 * appends a line to runsFile when it parses, sleeps half-way (to be overtaken or killed there), prints the cache folder.
 */
public final class CachePreparer {
    public static void main(String[] a) throws IOException {
        Path root = Path.of(a[0]);
        Path source = Path.of(a[1]);
        int rows = Integer.parseInt(a[2]);
        long sleep = Long.parseLong(a[3]);
        Path runs = Path.of(a[4]);
        FeatureCache c = FeatureCache.prepare(root, List.of(source), "process", sink -> {
            Files.writeString(runs, "parse\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            sink.begin(8);
            float[] row = new float[8];
            for (int i = 0; i < rows; i++) {
                row[0] = i;
                sink.add(Part.TRAIN, row, i % 2);
                if (i == rows / 2) {
                    System.out.println("half-way");
                    System.out.flush();
                    try {
                        Thread.sleep(sleep);
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                }
            }
            return new FeatureCache.Outcome(2, null);
        });
        System.out.println("cache " + c.dir() + " rows " + c.part(Part.TRAIN).size());
    }
}
