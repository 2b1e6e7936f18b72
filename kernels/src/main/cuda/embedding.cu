// Embedding gather and sequence pooling.
#include "common.cuh"

// out[r, :] = table[ids[r], :] for n rows (a history field has users*T rows). Ids were checked (or replaced
// by the default row) and padded on the host, so every id is inside the table.
extern "C" __global__ void ie_gather(const float* __restrict__ table, const int* __restrict__ ids,
                                     float* __restrict__ out, int n, int dim) {
    long long total = (long long) n * dim;
    for (long long e = blockIdx.x * (long long) blockDim.x + threadIdx.x; e < total;
         e += (long long) gridDim.x * blockDim.x) {
        int r = (int) (e / dim), j = (int) (e % dim);
        out[e] = table[(long long) ids[r] * dim + j];
    }
}

// Sum or mean over a sequence [rows, T, w] -> [rows, w]. Masked: only real positions t0..t0+len-1 in order
// (the scalar order); unmasked: all T. Mean divides by len + meanEps (masked) or T; an empty masked mean
// with meanEps 0 is 0. lenMap (nullable) maps an output row to its user row for the history length.
extern "C" __global__ void ie_pool(const float* __restrict__ in, float* __restrict__ out,
                                   const int* __restrict__ lengths, const int* __restrict__ lenMap,
                                   int rows, int T, int w, int masked, int mean, float meanEps, int leftPad) {
    long long total = (long long) rows * w;
    for (long long e = blockIdx.x * (long long) blockDim.x + threadIdx.x; e < total;
         e += (long long) gridDim.x * blockDim.x) {
        int r = (int) (e / w), j = (int) (e % w);
        int len = T, t0 = 0;
        if (masked) {
            len = lengths[lenMap ? lenMap[r] : r];
            t0 = ie_first(T, len, leftPad);
        }
        const float* p = in + ((long long) r * T + t0) * w + j;
        float s = 0.0f;
        for (int t = 0; t < len; t++) s += p[(long long) t * w];
        if (mean) {
            float d = masked ? (float) len + meanEps : (float) T;
            s = d == 0.0f ? 0.0f : s / d;
        }
        out[e] = s;
    }
}
