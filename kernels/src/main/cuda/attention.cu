// DIN attention pooling: per output row, every position's activation-unit MLP, the masked normalisation and
// the weighted sum of the keys, in one kernel (one block per row, threads over positions).
//
// The first layer is split on the host: W1·[q; k; q−k; q⊙k] + b1 = (Wq+Wd)·q + b1 + (Wk−Wd)·k + Wp·(q⊙k).
// qproj = (Wq+Wd)·q + b1 is computed once per query row and kproj = (Wk−Wd)·k once per key position (both
// with ie_dense, the keys in user scope: once per request); only Wp·(q⊙k) is per (row, position) here.
#include "common.cuh"

// Widest hidden layer and key width the per-thread buffers hold; the backend declines larger models.
#define ATT_MAXH 256
#define ATT_MAXD 256

// desc: 8 ints per layer {in, out, act, wOff, bOff, p0Off, p1Off, p2Off} (offsets into blob, -1 when
// absent). Layer 0 is the first layer: its wOff points at Wp [H1, d]; layers 1.. are ordinary [out, in].
// Maps (nullable) give the query row, the key row and the row whose history length masks output row r.
// shared memory: T + 32 floats.
extern "C" __global__ void __launch_bounds__(128) ie_attention(
        const float* __restrict__ q, const float* __restrict__ keys,
        const float* __restrict__ qproj, const float* __restrict__ kproj,
        const float* __restrict__ blob, const int* __restrict__ desc, int nLayers,
        float* __restrict__ out, const int* __restrict__ lengths,
        const int* __restrict__ qMap, const int* __restrict__ kMap, const int* __restrict__ lenMap,
        int rows, int T, int d, int softmax, float scale, int masked, int leftPad, int returnWeights) {
    extern __shared__ float sh[];
    float* scores = sh;
    float* scratch = sh + T;
    int r = blockIdx.x;
    if (r >= rows) return;
    int qr = qMap ? qMap[r] : r, kr = kMap ? kMap[r] : r;
    int len = masked ? lengths[lenMap ? lenMap[r] : r] : T;
    int t0 = masked ? ie_first(T, len, leftPad) : 0;
    const float* qv = q + (long long) qr * d;
    int H1 = desc[1];
    float h0[ATT_MAXH], h1[ATT_MAXH], qk[ATT_MAXD];
    for (int t = threadIdx.x; t < T; t += blockDim.x) {
        const float* kv = keys + ((long long) kr * T + t) * d;
        for (int j = 0; j < d; j++) qk[j] = qv[j] * kv[j];
        const float* qp = qproj + (long long) qr * H1;
        const float* kp = kproj + ((long long) kr * T + t) * H1;
        const float* wp = blob + desc[3];
        int act = desc[2];
        const float* a0 = desc[5] >= 0 ? blob + desc[5] : nullptr;
        const float* a1 = desc[6] >= 0 ? blob + desc[6] : nullptr;
        const float* a2 = desc[7] >= 0 ? blob + desc[7] : nullptr;
        for (int o = 0; o < H1; o++) {
            float acc = 0.0f;
            const float* w = wp + (long long) o * d;
            for (int j = 0; j < d; j++) acc = fmaf(w[j], qk[j], acc);
            h0[o] = ie_act(act, qp[o] + kp[o] + acc, o, a0, a1, a2);
        }
        float* cur = h0;
        float* nxt = h1;
        for (int l = 1; l < nLayers; l++) {
            const int* L = desc + 8 * l;
            int lin = L[0], lout = L[1];
            const float* w = blob + L[3];
            const float* bias = L[4] >= 0 ? blob + L[4] : nullptr;
            const float* b0 = L[5] >= 0 ? blob + L[5] : nullptr;
            const float* b1 = L[6] >= 0 ? blob + L[6] : nullptr;
            const float* b2 = L[7] >= 0 ? blob + L[7] : nullptr;
            for (int o = 0; o < lout; o++) {
                float acc = bias ? bias[o] : 0.0f;
                const float* wr = w + (long long) o * lin;
                for (int k = 0; k < lin; k++) acc = fmaf(wr[k], cur[k], acc);
                nxt[o] = ie_act(L[2], acc, o, b0, b1, b2);
            }
            float* s = cur;
            cur = nxt;
            nxt = s;
        }
        scores[t] = cur[0];
    }
    __syncthreads();
    if (softmax) {
        float m = -INFINITY;
        for (int t = threadIdx.x; t < T; t += blockDim.x) {
            bool real = t >= t0 && t < t0 + len;
            float s = (real ? scores[t] : IE_PAD_SCORE) * scale;
            scores[t] = s;
            m = fmaxf(m, s);
        }
        m = ie_block_max(m, scratch);
        float sum = 0.0f;
        for (int t = threadIdx.x; t < T; t += blockDim.x) {
            float e = expf(scores[t] - m);
            scores[t] = e;
            sum += e;
        }
        sum = ie_block_sum(sum, scratch);
        for (int t = threadIdx.x; t < T; t += blockDim.x) scores[t] /= sum;
    } else {
        for (int t = threadIdx.x; t < T; t += blockDim.x)
            if (t < t0 || t >= t0 + len) scores[t] = 0.0f;
    }
    __syncthreads();
    if (returnWeights) {
        for (int t = threadIdx.x; t < T; t += blockDim.x) out[(long long) r * T + t] = scores[t];
    } else {
        const float* kb = keys + (long long) kr * T * d;
        for (int j = threadIdx.x; j < d; j += blockDim.x) {
            float s = 0.0f;
            for (int t = 0; t < T; t++) s += scores[t] * kb[(long long) t * d + j];
            out[(long long) r * d + j] = s;
        }
    }
}
