package io.distill4j.model.transformer;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Float arrays to and from a stream, big-endian, in chunks (one writeFloat call per value is 10x slower). */
final class Floats {
    private static final int CHUNK = 1 << 14;

    private Floats() {
    }

    static void write(DataOutputStream out, float[] values) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK * Float.BYTES).order(ByteOrder.BIG_ENDIAN);
        for (int start = 0; start < values.length; start += CHUNK) {
            int n = Math.min(CHUNK, values.length - start);
            buffer.clear();
            buffer.asFloatBuffer().put(values, start, n);
            out.write(buffer.array(), 0, n * Float.BYTES);
        }
    }

    static void read(DataInputStream in, float[] into) throws IOException {
        byte[] bytes = new byte[CHUNK * Float.BYTES];
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        for (int start = 0; start < into.length; start += CHUNK) {
            int n = Math.min(CHUNK, into.length - start);
            in.readFully(bytes, 0, n * Float.BYTES);
            buffer.clear();
            buffer.asFloatBuffer().get(into, start, n);
        }
    }
}
