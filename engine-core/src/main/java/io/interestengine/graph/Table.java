package io.interestengine.graph;

import io.interestengine.format.Tensor;

/** An embedding table {@code [rows, dim]} with its out-of-vocabulary policy ({@code defaultRow < 0}: error). */
public record Table(String name, int rows, int dim, Tensor data, int defaultRow) {
    public boolean oovIsError() {
        return defaultRow < 0;
    }
}
