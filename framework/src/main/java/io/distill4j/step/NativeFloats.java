package io.distill4j.step;

import org.bytedeco.javacpp.FloatPointer;
import sun.misc.Unsafe;

import java.lang.reflect.Field;

/**
 * Plain loads and stores of floats in ND4J's native buffers, for the fused CNN step's loops (im2col, col2im,
 * pooling) that read and write a few floats at a time: a {@link FloatPointer#get(long)} is a JNI call (~20 ns), a
 * copy to the heap and back costs a pass over memory; {@link Unsafe}'s accessors compile to single instructions.
 * The addresses come from live ND4J arrays the step holds for its whole life, and every index is computed from
 * the shapes those arrays were allocated with.
 */
final class NativeFloats {
    static final Unsafe U;

    static {
        try {
            Field f = Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            U = (Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private NativeFloats() {
    }

    /** The address of the float {@code p} points at. */
    static long address(FloatPointer p) {
        return p.address() + p.position() * (long) Float.BYTES;
    }

    static float get(long base, long index) {
        return U.getFloat(base + (index << 2));
    }

    static void put(long base, long index, float v) {
        U.putFloat(base + (index << 2), v);
    }

    /** Sets {@code count} floats from {@code index} to zero. */
    static void zero(long base, long index, long count) {
        U.setMemory(base + (index << 2), count << 2, (byte) 0);
    }
}
