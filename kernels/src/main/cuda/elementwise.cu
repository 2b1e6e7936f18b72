// Concatenation, elementwise product/sum, row scaling and the output scores.
#include "common.cuh"

// One input of a concat: copies in[src(r), t, 0:w] to out[r, t, col:col+w] (out row width W). map
// (nullable) broadcasts a user-scope input to candidate rows.
extern "C" __global__ void ie_concat_part(const float* __restrict__ in, float* __restrict__ out,
                                          const int* __restrict__ map, int rows, int T, int w, int W, int col) {
    long long total = (long long) rows * T * w;
    for (long long e = blockIdx.x * (long long) blockDim.x + threadIdx.x; e < total;
         e += (long long) gridDim.x * blockDim.x) {
        int j = (int) (e % w);
        long long rt = e / w;
        int t = (int) (rt % T), r = (int) (rt / T);
        int sr = map ? map[r] : r;
        out[((long long) r * T + t) * W + col + j] = in[((long long) sr * T + t) * w + j];
    }
}

// out = a*b (mul != 0) or a+b over [rows, w]; mapA/mapB (nullable) broadcast user-scope inputs.
extern "C" __global__ void ie_binary(const float* __restrict__ a, const float* __restrict__ b,
                                     float* __restrict__ out, const int* __restrict__ mapA,
                                     const int* __restrict__ mapB, int rows, int w, int mul) {
    long long total = (long long) rows * w;
    for (long long e = blockIdx.x * (long long) blockDim.x + threadIdx.x; e < total;
         e += (long long) gridDim.x * blockDim.x) {
        int r = (int) (e / w), j = (int) (e % w);
        float x = a[(long long) (mapA ? mapA[r] : r) * w + j];
        float y = b[(long long) (mapB ? mapB[r] : r) * w + j];
        out[e] = mul ? x * y : x + y;
    }
}

// seq[r, t, :] *= s[r, t] over [rows, T, w] into out (AIGRU scales the keys by the attention weights).
extern "C" __global__ void ie_scale_rows(const float* __restrict__ seq, const float* __restrict__ s,
                                         float* __restrict__ out, const int* __restrict__ seqMap,
                                         int rows, int T, int w) {
    long long total = (long long) rows * T * w;
    for (long long e = blockIdx.x * (long long) blockDim.x + threadIdx.x; e < total;
         e += (long long) gridDim.x * blockDim.x) {
        int j = (int) (e % w);
        long long rt = e / w;
        int t = (int) (rt % T), r = (int) (rt / T);
        int sr = seqMap ? seqMap[r] : r;
        out[e] = seq[((long long) sr * T + t) * w + j] * s[rt];
    }
}

// One score per candidate: kind 0 sigmoid, 1 softmax2[index] + eps, 2 identity. Computed in double like
// the scalar backend (a few floats per candidate: the cost is nothing, the agreement is exact).
extern "C" __global__ void ie_output(const float* __restrict__ in, float* __restrict__ scores,
                                     const int* __restrict__ map, int cands, int w, int kind, int index, float eps) {
    for (int c = blockIdx.x * blockDim.x + threadIdx.x; c < cands; c += gridDim.x * blockDim.x) {
        const float* x = in + (long long) (map ? map[c] : c) * w;
        float s;
        if (kind == 0) {
            s = (float) (1.0 / (1.0 + exp(-(double) x[0])));
        } else if (kind == 1) {
            float a = x[0], b = x[1], m = fmaxf(a, b);
            double ea = exp((double) (a - m)), eb = exp((double) (b - m));
            s = (float) ((index == 0 ? ea : eb) / (ea + eb)) + eps;
        } else {
            s = x[0];
        }
        scores[c] = s;
    }
}
