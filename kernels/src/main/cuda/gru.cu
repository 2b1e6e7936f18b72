// GRU and the attention-GRU family over a whole sequence in one launch: one block per sequence row, the
// recurrent weights copied once into shared memory and reused by all T steps (the recurrence is serial in t,
// so what bounds a step is the latency of reading Wh; from shared memory it is a few cycles).
//
// The input half of every gate does not depend on the state: xproj = x·Wxᵀ + bx [rows_x, T, 3H] is computed
// for all steps beforehand with ie_dense (for DIEN's evolution layer over the user-scope extractor outputs:
// once per request, shared by every candidate through xMap).
//
// Gate blocks of xproj, Wh [3H, H] and bh [3H]: rows 0:H reset, H:2H update, 2H:3H candidate.
//   style 0, TF (all original repositories): [r,u] = σ(xp[0:2H] + Wh[0:2H]·h); c = tanh(xp[2H:] + Wh[2H:]·(r⊙h));
//            reset applied BEFORE the matmul; bh unused (TF has one bias per gate, folded into xproj).
//   style 1, PyTorch: r,z = σ(xp + Wh·h + bh); n = tanh(xp_n + r⊙(Wh_n·h + bh_n)); reset AFTER the matmul.
// mode (with g = u for TF, z for PyTorch, cand = c or n, a = att[row, t]):
//   0 GRU:            TF h' = u⊙h + (1−u)⊙c;   PyTorch h' = (1−z)⊙n + z⊙h
//   1 AUGRU, TF (mouna99 VecAttGRUCell): u' = (1−a)·u; h' = u'⊙h + (1−u')⊙c
//   2 AGRU (both):    h' = (1−a)·h + a·cand
//   3 AUGRU, paper form (DeepCTR-Torch AUGRUCell): u = a·z; h' = (1−u)⊙h + u⊙n
// Masking: a padded step (outside [t0, t0+len)) leaves the state unchanged and writes a zero output, as
// TF dynamic_rnn with sequence_length and PyTorch's packed sequences do; `last` receives the final state.
#include "common.cuh"

extern "C" __global__ void ie_gru_seq(
        const float* __restrict__ xproj, const int* __restrict__ xMap,
        const float* __restrict__ att, const float* __restrict__ Wh, const float* __restrict__ bh,
        float* __restrict__ outSeq, float* __restrict__ last,
        const int* __restrict__ lengths, const int* __restrict__ lenMap,
        int rows, int T, int H, int style, int mode, int masked, int leftPad, int whInShared) {
    extern __shared__ float sh[];
    float* h = sh;              // [H]
    float* g = sh + H;          // [3H]: gates, then the candidate
    float* rh = sh + 4 * H;     // [H]: r⊙h (TF) or Wh_n·h + bh_n (PyTorch)
    float* sW = sh + 5 * H;     // [3H·H] when whInShared
    int r = blockIdx.x;
    if (r >= rows) return;
    int H3 = 3 * H;
    const float* W = Wh;
    if (whInShared) {
        for (int e = threadIdx.x; e < H3 * H; e += blockDim.x) sW[e] = Wh[e];
        W = sW;
    }
    for (int j = threadIdx.x; j < H; j += blockDim.x) h[j] = 0.0f;
    int xr = xMap ? xMap[r] : r;
    int len = masked ? lengths[lenMap ? lenMap[r] : r] : T;
    int t0 = masked ? ie_first(T, len, leftPad) : 0;
    __syncthreads();
    for (int t = 0; t < T; t++) {
        bool real = t >= t0 && t < t0 + len;
        float* o = outSeq ? outSeq + ((long long) r * T + t) * H : nullptr;
        if (!real) {
            if (o) for (int j = threadIdx.x; j < H; j += blockDim.x) o[j] = 0.0f;
            continue;
        }
        const float* xp = xproj + ((long long) xr * T + t) * H3;
        float a = att ? att[(long long) r * T + t] : 0.0f;
        // Reset and update gates, and (PyTorch) the recurrent part of the candidate.
        for (int j = threadIdx.x; j < (style ? H3 : 2 * H); j += blockDim.x) {
            const float* w = W + (long long) j * H;
            float acc = style ? bh[j] : 0.0f;
            for (int k = 0; k < H; k++) acc = fmaf(w[k], h[k], acc);
            if (j < 2 * H) g[j] = ie_sigmoid(xp[j] + acc);
            else rh[j - 2 * H] = acc;
        }
        __syncthreads();
        if (style == 0) {
            for (int j = threadIdx.x; j < H; j += blockDim.x) rh[j] = g[j] * h[j];
            __syncthreads();
            for (int j = threadIdx.x; j < H; j += blockDim.x) {
                const float* w = W + (long long) (2 * H + j) * H;
                float acc = 0.0f;
                for (int k = 0; k < H; k++) acc = fmaf(w[k], rh[k], acc);
                g[2 * H + j] = tanhf(xp[2 * H + j] + acc);
            }
        } else {
            for (int j = threadIdx.x; j < H; j += blockDim.x) g[2 * H + j] = tanhf(xp[2 * H + j] + g[j] * rh[j]);
        }
        __syncthreads();
        for (int j = threadIdx.x; j < H; j += blockDim.x) {
            float u = g[H + j], c = g[2 * H + j], hv = h[j], nh;
            switch (mode) {
                case 1: { float u2 = (1.0f - a) * u; nh = u2 * hv + (1.0f - u2) * c; break; }
                case 2: nh = (1.0f - a) * hv + a * c; break;
                case 3: { float u2 = a * u; nh = (1.0f - u2) * hv + u2 * c; break; }
                default: nh = style ? (1.0f - u) * c + u * hv : u * hv + (1.0f - u) * c;
            }
            h[j] = nh;
            if (o) o[j] = nh;
        }
        __syncthreads();
    }
    if (last) for (int j = threadIdx.x; j < H; j += blockDim.x) last[(long long) r * H + j] = h[j];
}
