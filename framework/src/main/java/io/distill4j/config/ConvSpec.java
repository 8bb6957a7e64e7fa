package io.distill4j.config;

/** One CNN stage: a same-padded-free convolution with {@code filters} maps of size {@code kernel}, then max pooling by {@code pool}. */
public record ConvSpec(Integer filters, Integer kernel, Integer pool) {
    public ConvSpec {
        if (kernel == null) kernel = 5;
        if (pool == null) pool = 2;
    }
}
