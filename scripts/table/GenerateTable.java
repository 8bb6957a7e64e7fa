import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.SplittableRandom;

/**
 * A synthetic but learnable CSV of about MB megabytes: 20 numeric columns (x0..x19, 4 decimals), 2 categorical
 * (c0: 5 levels, c1: 10 levels) and a label low/mid/high from a noisy linear score of x0, x1, x2, x3 and the
 * categories. Numbers are formatted by hand into bytes, so 2 GB takes well under a minute.
 */
public class GenerateTable {
    private static final String[] C0 = {"red", "green", "blue", "grey", "gold"};
    private static final double[] C0_EFFECT = {-1.0, -0.5, 0, 0.5, 1.0};
    private static final String[] LABELS = {"low", "mid", "high"};

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: generate-table MB OUT.csv");
            System.exit(2);
        }
        long target = Long.parseLong(args[0]) * 1_000_000L;
        SplittableRandom r = new SplittableRandom(2026);
        byte[] row = new byte[4096];
        long written = 0;
        try (OutputStream out = new BufferedOutputStream(new FileOutputStream(args[1]), 1 << 20)) {
            StringBuilder h = new StringBuilder();
            for (int i = 0; i < 20; i++) h.append('x').append(i).append(',');
            byte[] header = h.append("c0,c1,label\n").toString().getBytes();
            out.write(header);
            written += header.length;
            double[] x = new double[20];
            while (written < target) {
                int n = 0;
                for (int i = 0; i < 20; i++) {
                    x[i] = r.nextDouble() * 4 - 2 + (r.nextDouble() - 0.5);
                    n = number(row, n, x[i]);
                    row[n++] = ',';
                }
                int c0 = r.nextInt(C0.length);
                int c1 = r.nextInt(10);
                for (int k = 0; k < C0[c0].length(); k++) row[n++] = (byte) C0[c0].charAt(k);
                row[n++] = ',';
                row[n++] = 'k';
                row[n++] = (byte) ('0' + c1);
                row[n++] = ',';
                double score = x[0] + 0.8 * x[1] - 0.6 * x[2] + 0.4 * x[3] * x[4] + C0_EFFECT[c0] + (c1 < 3 ? 0.7 : 0)
                        + 0.5 * (r.nextDouble() - 0.5);
                String label = LABELS[score < -0.7 ? 0 : score < 0.9 ? 1 : 2];
                for (int k = 0; k < label.length(); k++) row[n++] = (byte) label.charAt(k);
                row[n++] = '\n';
                out.write(row, 0, n);
                written += n;
            }
        }
    }

    /** {@code v} with 4 decimals, written at {@code at}; returns the new end. */
    private static int number(byte[] b, int at, double v) {
        long q = Math.round(v * 10_000);
        if (q < 0) {
            b[at++] = '-';
            q = -q;
        }
        long whole = q / 10_000;
        int frac = (int) (q % 10_000);
        String w = Long.toString(whole);
        for (int k = 0; k < w.length(); k++) b[at++] = (byte) w.charAt(k);
        b[at++] = '.';
        b[at++] = (byte) ('0' + frac / 1000);
        b[at++] = (byte) ('0' + frac / 100 % 10);
        b[at++] = (byte) ('0' + frac / 10 % 10);
        b[at++] = (byte) ('0' + frac % 10);
        return at;
    }
}
