package io.distill4j.config;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One loss term as a config writes it ({@code distill.terms[]} or a model's {@code terms[]}): {@code term} names it in the
 * registry ({@code io.distill4j.loss.TermKind}: labels, logits, attention, relations, hidden), {@code weight} its weight;
 * {@code temperature} (logits), {@code teacherLayer}/{@code studentLayer} (attention, relations, hidden; default last),
 * {@code relationHeads} (relations) and {@code ramp} (any term) as the term reads them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TermSpec(String term, Double weight, Double temperature, LayerRef teacherLayer, LayerRef studentLayer,
                       Integer relationHeads, RampSpec ramp) {
    /**
     * The weight rises linearly from {@code start} (default 0) at online step {@code from} to {@code weight} at step
     * {@code to}, and stays there.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RampSpec(Long from, Long to, Double start) {
        /** As a config writes it ({@code {from: 10, to: 5}}), for messages: not the record's Java form (round 3, D21). */
        public String asYaml() {
            StringBuilder sb = new StringBuilder("{from: ").append(from).append(", to: ").append(to);
            if (start != null) sb.append(", start: ").append(start);
            return sb.append('}').toString();
        }
    }
}
