package io.distill4j.step;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.ShortPointer;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.matmul;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.primitive_desc_base;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;

import java.util.HashMap;
import java.util.Map;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCRATCHPAD;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

/**
 * The fused step's products in bf16 with fp32 accumulation and fp32 results: oneDNN's matmul, which runs on AMX
 * (Sapphire Rapids and later) or AVX512-BF16 (Cooper Lake, Zen 4). The parameters, gradients and optimizer state
 * stay fp32: each operand is rounded to bf16 (round to nearest even, oneDNN's reorder) into a buffer of its own,
 * the weights once per pass (shared by the forward and the input-gradient product, which read the same bytes),
 * a layer's input once (shared by its forward and weight-gradient product), a delta once (shared by the weight- and
 * the input-gradient product). Bias gradients stay fp32 sgemv.
 * <p>
 * Threads: oneDNN runs on the calling thread (the launcher and the tests set OMP_NUM_THREADS=1); big products are cut
 * in two column blocks shared with {@link SecondThread} like {@link Blas}'s. Every primitive has its own scratchpad
 * (oneDNN's per-thread one would be shared between primitives created on one thread and run on another), and every
 * thread its own stream.
 */
final class Bf16Gemm implements Gemm {
    /** 8M multiply-adds: ~25 us on one core's AMX, several times a hand-off. */
    static final long SPLIT_MACS = 8_000_000L;
    private static final engine ENGINE = new engine(engine.kind.cpu, 0);
    private static final ThreadLocal<stream> STREAM = ThreadLocal.withInitial(() -> new stream(ENGINE));

    private final Layer[] layers;
    private final ShortPointer mirror;
    private boolean mirrored;
    private final Map<Shape, Product> products = new HashMap<>();
    private final Map<ConvertShape, Convert> converts = new HashMap<>();
    private long pass;

    /** One layer's bf16 copies: weights, its input, its output's delta; each tagged with the pass and source address. */
    private static final class Layer {
        /** The layer's weights in the parameter mirror. */
        final ShortPointer w;
        long wPass = -1;
        ShortPointer in;
        long inPass = -1;
        long inAddress;
        ShortPointer delta;
        ShortPointer deltaT;
        long deltaPass = -1;
        long deltaAddress;

        Layer(ShortPointer w) {
            this.w = w;
        }
    }

    private enum Op { FORWARD, WEIGHT_GRADIENT, INPUT_GRADIENT }

    /** A product over rows {@code r0..r1} of its result (batch rows, or for the weight gradient rows of dw^T). */
    private record Shape(Op op, int batch, int nIn, int nOut, int r0, int r1) {
    }

    private record ConvertShape(long rows, long cols, boolean transpose) {
    }

    /** A matmul over one column block, with its memory objects (their addresses set per call) and scratchpad. */
    private static final class Product {
        final primitive prim;
        final memory src;
        final memory wei;
        final memory dst;
        final memory bias;
        final IntMemoryMap args = new IntMemoryMap();

        Product(memory.desc srcMd, memory.desc weiMd, memory.desc dstMd, memory.desc biasMd) {
            primitive_attr attr = new primitive_attr();
            attr.set_scratchpad_mode(org.bytedeco.dnnl.global.dnnl.scratchpad_mode.user);
            matmul.desc d = biasMd == null ? new matmul.desc(srcMd, weiMd, dstMd) : new matmul.desc(srcMd, weiMd, biasMd, dstMd);
            matmul.primitive_desc pd = new matmul.primitive_desc(d, attr, ENGINE);
            prim = new matmul(pd);
            src = new memory(srcMd, ENGINE, null);
            wei = new memory(weiMd, ENGINE, null);
            dst = new memory(dstMd, ENGINE, null);
            bias = biasMd == null ? null : new memory(biasMd, ENGINE, null);
            args.put(DNNL_ARG_SRC, src);
            args.put(DNNL_ARG_WEIGHTS, wei);
            args.put(DNNL_ARG_DST, dst);
            if (bias != null) args.put(DNNL_ARG_BIAS, bias);
            scratchpad(pd, args);
        }

        void run(long srcAddress, long weiAddress, long dstAddress, long biasAddress) {
            src.set_data_handle(new Address(srcAddress));
            wei.set_data_handle(new Address(weiAddress));
            dst.set_data_handle(new Address(dstAddress));
            if (bias != null) bias.set_data_handle(new Address(biasAddress));
            prim.execute(STREAM.get(), args);
        }
    }

    /** fp32 → bf16 of a row-major {@code [rows, cols]} array, into the same layout or transposed ({@code [cols, rows]}). */
    private static final class Convert {
        final primitive prim;
        final memory from;
        final memory to;
        final IntMemoryMap args = new IntMemoryMap();

        Convert(ConvertShape s) {
            long[] dims = {s.rows(), s.cols()};
            memory.desc f32 = new memory.desc(dims, memory.data_type.f32, memory.format_tag.ab);
            memory.desc bf16 = new memory.desc(dims, memory.data_type.bf16, s.transpose() ? memory.format_tag.ba : memory.format_tag.ab);
            primitive_attr attr = new primitive_attr();
            attr.set_scratchpad_mode(org.bytedeco.dnnl.global.dnnl.scratchpad_mode.user);
            reorder.primitive_desc pd = new reorder.primitive_desc(ENGINE, f32, ENGINE, bf16, attr, false);
            prim = new reorder(pd);
            from = new memory(f32, ENGINE, null);
            to = new memory(bf16, ENGINE, null);
            args.put(DNNL_ARG_FROM, from);
            args.put(DNNL_ARG_TO, to);
            scratchpad(pd, args);
        }

        void run(long fromAddress, long toAddress) {
            from.set_data_handle(new Address(fromAddress));
            to.set_data_handle(new Address(toAddress));
            prim.execute(STREAM.get(), args);
        }
    }

    private static void scratchpad(primitive_desc_base pd, IntMemoryMap args) {
        memory.desc s = pd.scratchpad_desc();
        if (s.get_size() > 0) args.put(DNNL_ARG_SCRATCHPAD, new memory(s, ENGINE));
    }

    /** A bare address as a JavaCPP pointer: no position, so no doubt about units. */
    private static final class Address extends Pointer {
        Address(long address) {
            this.address = address;
        }
    }

    /** The absolute address of {@code p}'s element {@code index} (its position included). */
    private static long address(Pointer p, long index) {
        return p.address() + (p.position() + index) * p.sizeof();
    }

    /**
     * The bf16 products of layers whose weights start at these offsets in a parameter vector of {@code parameters}
     * values; loads oneDNN on first use.
     */
    static Gemm create(long[] weightOffsets, long parameters) {
        return new Bf16Gemm(weightOffsets, parameters);
    }

    private Bf16Gemm(long[] weightOffsets, long parameters) {
        mirror = new ShortPointer(parameters);
        layers = new Layer[weightOffsets.length];
        for (int i = 0; i < weightOffsets.length; i++) {
            layers[i] = new Layer(new ShortPointer(mirror).position(weightOffsets[i]));
        }
    }

    @Override
    public void beginPass(boolean mirrored) {
        pass++;
        this.mirrored = mirrored;
    }

    @Override
    public ShortPointer mirror() {
        return mirror;
    }

    private void convert(long rows, long cols, boolean transpose, long from, long to) {
        converts.computeIfAbsent(new ConvertShape(rows, cols, transpose), Convert::new).run(from, to);
    }

    private ShortPointer weights(int layer, int nIn, int nOut, FloatPointer w) {
        Layer l = layers[layer];
        if (l.wPass != pass && !mirrored) {
            convert(nOut, nIn, false, address(w, 0), address(l.w, 0));
            l.wPass = pass;
        }
        return l.w;
    }

    private ShortPointer input(int layer, int batch, int nIn, FloatPointer in) {
        Layer l = layers[layer];
        long a = address(in, 0);
        if (l.inPass != pass || l.inAddress != a) {
            long n = (long) batch * nIn;
            if (l.in == null || l.in.capacity() < n) l.in = new ShortPointer(n);
            convert(batch, nIn, false, a, address(l.in, 0));
            l.inPass = pass;
            l.inAddress = a;
        }
        return l.in;
    }

    /**
     * A delta's bf16 copies, converted together: as it is ({@code [batch, nOut]}, for the input gradient) and transposed
     * ({@code [nOut, batch]}, for the weight gradient: its row blocks are then dense, and only dense operands take
     * oneDNN's AMX kernels; a strided block falls back to a slower gemm).
     */
    private Layer delta(int layer, int batch, int nOut, FloatPointer delta) {
        Layer l = layers[layer];
        long a = address(delta, 0);
        if (l.deltaPass != pass || l.deltaAddress != a) {
            long n = (long) batch * nOut;
            if (l.delta == null || l.delta.capacity() < n) {
                l.delta = new ShortPointer(n);
                l.deltaT = new ShortPointer(n);
            }
            convert(batch, nOut, false, a, address(l.delta, 0));
            convert(batch, nOut, true, a, address(l.deltaT, 0));
            l.deltaPass = pass;
            l.deltaAddress = a;
        }
        return l;
    }

    private static int blocks(long m, long n, long k) {
        return SecondThread.AVAILABLE && m * n * k >= SPLIT_MACS && m >= 64 ? 2 : 1;
    }

    /** The products of every block, created on this thread before any runs (the map is not shared). */
    private Product[] products(Op op, int batch, int nIn, int nOut, int rows, int count, int align) {
        Product[] out = new Product[count];
        for (int i = 0; i < count; i++) {
            int r0 = SecondThread.boundary(rows, count, i, align);
            int r1 = SecondThread.boundary(rows, count, i + 1, align);
            out[i] = products.computeIfAbsent(new Shape(op, batch, nIn, nOut, r0, r1), Bf16Gemm::create);
        }
        return out;
    }

    /** Every operand dense (oneDNN 2.5 runs AMX only on dense plain layouts): blocks are row ranges of the result. */
    private static Product create(Shape s) {
        long b = s.batch, nIn = s.nIn, nOut = s.nOut, rows = s.r1 - s.r0;
        memory.data_type bf16 = memory.data_type.bf16;
        memory.data_type f32 = memory.data_type.f32;
        return switch (s.op) {
            // out[r0:r1] = in[r0:r1] · w + bias; w is column-major [nIn, nOut]
            case FORWARD -> new Product(desc(rows, nIn, bf16, nIn, 1), desc(nIn, nOut, bf16, 1, nIn),
                    desc(rows, nOut, f32, nOut, 1), desc(1, nOut, f32, nOut, 1));
            // dw^T[r0:r1] (dw is column-major: dw^T is row-major [nOut, nIn]) = delta^T[r0:r1] · in
            case WEIGHT_GRADIENT -> new Product(desc(rows, b, bf16, b, 1), desc(b, nIn, bf16, nIn, 1),
                    desc(rows, nIn, f32, nIn, 1), null);
            // dIn[r0:r1] = delta[r0:r1] · w^T
            case INPUT_GRADIENT -> new Product(desc(rows, nOut, bf16, nOut, 1), desc(nOut, nIn, bf16, nIn, 1),
                    desc(rows, nIn, f32, nIn, 1), null);
        };
    }

    private static memory.desc desc(long rows, long cols, memory.data_type type, long rowStride, long colStride) {
        return new memory.desc(new long[]{rows, cols}, type, new long[]{rowStride, colStride});
    }

    @Override
    public void forward(int layer, int batch, int nIn, int nOut, FloatPointer in, FloatPointer w, FloatPointer bias,
                        FloatPointer ones, FloatPointer out) {
        long wei = address(weights(layer, nIn, nOut, w), 0);
        ShortPointer src = input(layer, batch, nIn, in);
        int count = blocks(batch, nOut, nIn);
        Product[] ps = products(Op.FORWARD, batch, nIn, nOut, batch, count, 16);
        long b = address(bias, 0);
        SecondThread.chunks(count, i -> {
            int r0 = SecondThread.boundary(batch, count, i, 16);
            ps[i].run(address(src, (long) r0 * nIn), wei, address(out, (long) r0 * nOut), b);
        });
    }

    @Override
    public void weightGradient(int layer, int batch, int nIn, int nOut, FloatPointer in, FloatPointer delta, FloatPointer dw) {
        ShortPointer src = delta(layer, batch, nOut, delta).deltaT;
        long wei = address(input(layer, batch, nIn, in), 0);
        int count = blocks(nOut, nIn, batch);
        Product[] ps = products(Op.WEIGHT_GRADIENT, batch, nIn, nOut, nOut, count, 32);
        SecondThread.chunks(count, i -> {
            int r0 = SecondThread.boundary(nOut, count, i, 32);
            ps[i].run(address(src, (long) r0 * batch), wei, address(dw, (long) r0 * nIn), 0);
        });
    }

    @Override
    public void inputGradient(int layer, int batch, int nIn, int nOut, FloatPointer delta, FloatPointer w, FloatPointer dIn) {
        ShortPointer src = delta(layer, batch, nOut, delta).delta;
        long wei = address(weights(layer, nIn, nOut, w), 0);
        int count = blocks(batch, nIn, nOut);
        Product[] ps = products(Op.INPUT_GRADIENT, batch, nIn, nOut, batch, count, 16);
        SecondThread.chunks(count, i -> {
            int r0 = SecondThread.boundary(batch, count, i, 16);
            ps[i].run(address(src, (long) r0 * nOut), wei, address(dIn, (long) r0 * nIn), 0);
        });
    }

    @Override
    public String precision() {
        return Precision.BF16;
    }

    /** oneDNN's version and the implementation it picks for a bf16 product (e.g. {@code brg:avx512_core_amx_bf16}). */
    static String describe() {
        var v = org.bytedeco.dnnl.global.dnnl.version();
        memory.desc a = desc(128, 256, memory.data_type.bf16, 256, 1);
        memory.desc b = desc(256, 256, memory.data_type.bf16, 1, 256);
        memory.desc c = desc(128, 256, memory.data_type.f32, 256, 1);
        String impl = new matmul.primitive_desc(new matmul.desc(a, b, c), ENGINE).impl_info_str().getString();
        return "oneDNN " + v.major() + "." + v.minor() + "." + v.patch() + " " + impl;
    }
}
