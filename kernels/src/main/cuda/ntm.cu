// MIMN's neural-Turing-machine memory (UIC-Paper/MIMN script/mimn.py, MIMNCell): controller GRU, read and
// write heads with content addressing, capacity-overflow shift and sharpening of the write weights, memory
// erase/add, utilisation counts, and the Memory Induction Unit. One block per user row runs the whole
// behaviour sequence (the state is a few KiB and stays in shared memory for all T steps); a second kernel
// runs the read-only step with each candidate as input (MIMN's read_out at prediction).
//
// Weights live in one blob; desc (ints) names sizes and offsets:
//  0 X (input width)  1 D (memory vector)  2 H (controller)  3 m (slots)  4 O (output width)
//  5 util_reg  6 mem_induction  7 Wg [2H, X+D+H]  8 bg [2H]  9 Wc [H, X+D+H]  10 bc [H]
//  11 Wp [P, H (+m with util_reg)], P = 2(D+6) + 2D  12 bp [P]  13 Wo [O, H+D]  14 bo [O]
//  15 keyM = tanh(key_M) [m, D]  16 M0 = tanh(init_M) [m, D]  17 r0 = tanh(read init) [D]
//  18 Wmg [2D, X+2D]  19 bmg [2D]  20 Wmc [D, X+2D]  21 bmc [D]   (MIU; -1 without)
//  22 {sharpen, utilScale} (floats)  23 shift range  24 mode: 0 real events only (from the initial state),
//     1 all T steps, padded ones with zero input then reset (mask_flag), 2 all T steps without reset
// All weight matrices are [out, in] (TF kernels transposed at load); GRUs are TF GRUCell (reset before the
// matmul, h' = u⊙h + (1−u)⊙c). Head parameter layout per head: [k(D) | β | g | s(2·range+1) | γ], read head
// first, then write head, then erase(D), add(D); everything clipped to ±clip.
//
// Per-row state (engine-core's MimnLayout): h[H], r[D], M[m·D], w_aggre[m], sum_aggre[m·D], and with the MIU
// miu_state[m·D], miu_out[m·D] (the last step's output list: the selected slot's row only). meanOut gets the
// mean over slots of sum_aggre [rows, D]; miuOut (nullable) a copy of miu_out [rows, m·D].
#include "common.cuh"

#define NTM_MAXM 16
#define NTM_MAXD 64
#define NTM_MAXH 64
#define NTM_MAXX 128
#define NTM_MAXSHIFT 3
#define NTM_MAXP (2 * (NTM_MAXD + 4 + 2 * NTM_MAXSHIFT) + 2 * NTM_MAXD)
#define NTM_MAXIN (NTM_MAXX + NTM_MAXD + NTM_MAXH)

struct NtmShared {
    int d[25];
    float sharpen, utilScale;
    int per;
    float h[NTM_MAXH], hn[NTM_MAXH], r[NTM_MAXD], rn[NTM_MAXD];
    float M[NTM_MAXM * NTM_MAXD], Mn[NTM_MAXM * NTM_MAXD], sumA[NTM_MAXM * NTM_MAXD];
    float wAgg[NTM_MAXM], miuS[NTM_MAXM * NTM_MAXD], miuOut[NTM_MAXM * NTM_MAXD];
    float in[NTM_MAXIN], gates[2 * NTM_MAXH > 2 * NTM_MAXD ? 2 * NTM_MAXH : 2 * NTM_MAXD];
    float par[NTM_MAXP], wr[NTM_MAXM], ww[NTM_MAXM], tmp[NTM_MAXM], kn[2], miuNew[NTM_MAXD];
    int sel;
};

__device__ __forceinline__ float ie_softplus(float x) {
    // Stable for both signs, the scalar backend's form.
    return x > 0.0f ? x + log1pf(expf(-x)) : log1pf(expf(x));
}

// TF GRUCell step on s.in = [inp(nIn), h(H)] (the caller filled both): writes the new state into hOut.
__device__ void ntm_gru(NtmShared& s, const float* Wg, const float* bg, const float* Wc, const float* bc,
                        int nIn, int H, const float* h, float* hOut) {
    int n = nIn + H;
    for (int j = threadIdx.x; j < 2 * H; j += blockDim.x) {
        const float* w = Wg + (long long) j * n;
        float acc = bg[j];
        for (int k = 0; k < n; k++) acc = fmaf(w[k], s.in[k], acc);
        s.gates[j] = ie_sigmoid(acc);
    }
    __syncthreads();
    for (int j = threadIdx.x; j < H; j += blockDim.x) s.in[nIn + j] = s.gates[j] * h[j];
    __syncthreads();
    for (int j = threadIdx.x; j < H; j += blockDim.x) {
        const float* w = Wc + (long long) j * n;
        float acc = bc[j];
        for (int k = 0; k < n; k++) acc = fmaf(w[k], s.in[k], acc);
        float u = s.gates[H + j];
        hOut[j] = u * h[j] + (1.0f - u) * tanhf(acc);
    }
    __syncthreads();
}

// Content addressing of one head: w = softmax(β·½[cos(k, keyM) + cos(k, M)]), exp without max-subtraction
// as mimn.py (β is bounded by the clip). k = tanh(par[0:D]) is formed in s.in[0:D].
__device__ void ntm_address(NtmShared& s, const float* par, const float* keyM, const float* M, int D, int m, float* w) {
    float sharpen = s.sharpen;
    for (int j = threadIdx.x; j < D; j += blockDim.x) s.in[j] = tanhf(par[j]);
    __syncthreads();
    if (threadIdx.x == 0) {
        float kk = 0.0f;
        for (int j = 0; j < D; j++) kk += s.in[j] * s.in[j];
        s.kn[0] = sqrtf(kk);
    }
    __syncthreads();
    float beta = (ie_softplus(par[D]) + 1.0f) * sharpen;
    for (int i = threadIdx.x; i < m; i += blockDim.x) {
        float ik = 0.0f, nk = 0.0f, im = 0.0f, nm = 0.0f;
        for (int j = 0; j < D; j++) {
            float a = keyM[i * D + j], b = M[i * D + j], k = s.in[j];
            ik += a * k; nk += a * a; im += b * k; nm += b * b;
        }
        float K = 0.5f * (ik / (sqrtf(nk) * s.kn[0] + 1e-8f) + im / (sqrtf(nm) * s.kn[0] + 1e-8f));
        s.tmp[i] = expf(beta * K);
    }
    __syncthreads();
    if (threadIdx.x == 0) {
        float z = 0.0f;
        for (int i = 0; i < m; i++) z += s.tmp[i];
        for (int i = 0; i < m; i++) w[i] = s.tmp[i] / z;
    }
    __syncthreads();
}

// mimn.py capacity_overflow: circular shift by s_full = [s_0..s_range, 0.., s_range+1..s_2range] (softmax of
// the head's shift values), then w^γ / Σ w^γ. Serial on thread 0: m is a handful of slots.
__device__ void ntm_overflow(const float* w, const float* sRaw, int sr, float gammaRaw, float sharpen, int m, float* out, float* tmp) {
    int ns = 2 * sr + 1;
    float mx = -INFINITY, z = 0.0f, sf[NTM_MAXM];
    for (int i = 0; i < ns; i++) mx = fmaxf(mx, sRaw[i]);
    for (int i = 0; i < ns; i++) z += expf(sRaw[i] - mx);
    for (int i = 0; i < m; i++) sf[i] = 0.0f;
    for (int i = 0; i <= sr; i++) sf[i] = expf(sRaw[i] - mx) / z;
    for (int i = 0; i < sr; i++) sf[m - sr + i] = expf(sRaw[sr + 1 + i] - mx) / z;
    float gamma = 2.0f * (ie_softplus(gammaRaw) + 1.0f) * sharpen;
    for (int i = 0; i < m; i++) {
        float acc = 0.0f;
        for (int j = 0; j < m; j++) acc += w[j] * sf[((i - j) % m + m) % m];
        tmp[i] = powf(acc, gamma);
    }
    float zz = 0.0f;
    for (int i = 0; i < m; i++) zz += tmp[i];
    for (int i = 0; i < m; i++) out[i] = tmp[i] / zz;
}

// Controller step and head parameters: s.hn = GRU([x, s.r], s.h); s.par = clip(Wp·[hn, w_aggre/utilScale?] + bp).
__device__ void ntm_controller(NtmShared& s, const float* blob, const float* x, float clip) {
    int X = s.d[0], D = s.d[1], H = s.d[2], m = s.d[3], util = s.d[5];
    for (int j = threadIdx.x; j < X; j += blockDim.x) s.in[j] = x[j];
    for (int j = threadIdx.x; j < D; j += blockDim.x) s.in[X + j] = s.r[j];
    for (int j = threadIdx.x; j < H; j += blockDim.x) s.in[X + D + j] = s.h[j];
    __syncthreads();
    ntm_gru(s, blob + s.d[7], blob + s.d[8], blob + s.d[9], blob + s.d[10], X + D, H, s.h, s.hn);
    int P = 2 * s.per + 2 * D, nIn = H + (util ? m : 0);
    for (int j = threadIdx.x; j < H; j += blockDim.x) s.in[j] = s.hn[j];
    if (util) for (int j = threadIdx.x; j < m; j += blockDim.x) s.in[H + j] = s.wAgg[j] / s.utilScale;
    __syncthreads();
    const float* Wp = blob + s.d[11];
    const float* bp = blob + s.d[12];
    for (int j = threadIdx.x; j < P; j += blockDim.x) {
        const float* w = Wp + (long long) j * nIn;
        float acc = bp[j];
        for (int k = 0; k < nIn; k++) acc = fmaf(w[k], s.in[k], acc);
        s.par[j] = fminf(fmaxf(acc, -clip), clip);
    }
    __syncthreads();
}

__device__ void ntm_load_desc(NtmShared& s, const float* blob, const int* desc) {
    if (threadIdx.x < 25) s.d[threadIdx.x] = desc[threadIdx.x];
    __syncthreads();
    if (threadIdx.x == 0) {
        s.sharpen = blob[s.d[22]];
        s.utilScale = blob[s.d[22] + 1];
        s.per = s.d[1] + 4 + 2 * s.d[23];
    }
    __syncthreads();
}

// The behaviour sequence x [rows, T, X] of each user row, per desc[24]: real events only (from the initial
// state), or all T steps with zero input at padded positions, each followed (mask_flag) by the reset of the
// controller state, M, sum_aggre and the MIU states (read vector, w_aggre and the MIU outputs are kept), as
// Model_MIMN does. seqOut (nullable) gets each step's clipped o2o output [rows, T, O].
extern "C" __global__ void __launch_bounds__(128) ie_ntm_seq(
        const float* __restrict__ x, const float* __restrict__ blob, const int* __restrict__ desc,
        float* __restrict__ state, int stateSize, float* __restrict__ meanOut, float* __restrict__ miuOut,
        float* __restrict__ seqOut, const int* __restrict__ lengths, int rows, int T, int leftPad, float clip) {
    __shared__ NtmShared s;
    int row = blockIdx.x;
    if (row >= rows) return;
    ntm_load_desc(s, blob, desc);
    int X = s.d[0], D = s.d[1], H = s.d[2], m = s.d[3], O = s.d[4], util = s.d[5], miu = s.d[6], mode = s.d[24];
    int mD = m * D, per = s.per;
    const float* keyM = blob + s.d[15];
    const float* M0 = blob + s.d[16];
    for (int j = threadIdx.x; j < H; j += blockDim.x) s.h[j] = 0.0f;
    for (int j = threadIdx.x; j < D; j += blockDim.x) s.r[j] = blob[s.d[17] + j];
    for (int e = threadIdx.x; e < mD; e += blockDim.x) {
        s.M[e] = M0[e]; s.sumA[e] = 0.0f; s.miuS[e] = 0.0f; s.miuOut[e] = 0.0f;
    }
    for (int i = threadIdx.x; i < m; i += blockDim.x) s.wAgg[i] = 0.0f;
    int len = lengths[row];
    int t0 = ie_first(T, len, leftPad);
    __shared__ float xs[NTM_MAXX];
    __syncthreads();
    for (int t = mode == 0 ? t0 : 0; t < (mode == 0 ? t0 + len : T); t++) {
        bool real = t >= t0 && t < t0 + len;
        const float* xt = x + ((long long) row * T + t) * X;
        for (int j = threadIdx.x; j < X; j += blockDim.x) xs[j] = real ? xt[j] : 0.0f;
        __syncthreads();
        ntm_controller(s, blob, xs, clip);
        ntm_address(s, s.par, keyM, s.M, D, m, s.wr);
        ntm_address(s, s.par + per, keyM, s.M, D, m, s.ww);
        if (threadIdx.x == 0) {
            if (util) {
                const float* wp = s.par + per;
                float w1[NTM_MAXM], w2[NTM_MAXM];
                ntm_overflow(s.ww, wp + D + 2, s.d[23], wp[per - 1], s.sharpen, m, w1, s.tmp);
                ntm_overflow(w1, wp + D + 2, s.d[23], wp[per - 1], s.sharpen, m, w2, s.tmp);
                for (int i = 0; i < m; i++) { s.ww[i] = w1[i]; s.wAgg[i] += w2[i]; }
            } else {
                for (int i = 0; i < m; i++) s.wAgg[i] += s.ww[i];
            }
            int sel = 0;
            for (int i = 1; i < m; i++) if (s.wr[i] > s.wr[sel]) sel = i;
            s.sel = sel;
        }
        __syncthreads();
        // Read from the memory before this step's write.
        for (int j = threadIdx.x; j < D; j += blockDim.x) {
            float acc = 0.0f;
            for (int i = 0; i < m; i++) acc += s.wr[i] * s.M[i * D + j];
            s.rn[j] = acc;
        }
        const float* er = s.par + 2 * per;
        const float* ad = er + D;
        for (int e = threadIdx.x; e < mD; e += blockDim.x) {
            int i = e / D, j = e % D;
            float w = s.ww[i], a = tanhf(ad[j]);
            s.Mn[e] = s.M[e] * (1.0f - w * ie_sigmoid(er[j])) + w * a;
            s.sumA[e] += w * a;
        }
        __syncthreads();
        if (miu) {
            int sel = s.sel;
            for (int j = threadIdx.x; j < X; j += blockDim.x) s.in[j] = xs[j];
            for (int j = threadIdx.x; j < D; j += blockDim.x) {
                s.in[X + j] = s.M[sel * D + j];
                s.in[X + D + j] = s.miuS[sel * D + j];
            }
            __syncthreads();
            ntm_gru(s, blob + s.d[18], blob + s.d[19], blob + s.d[20], blob + s.d[21], X + D, D,
                    s.miuS + sel * D, s.miuNew);
            for (int e = threadIdx.x; e < mD; e += blockDim.x) {
                int i = e / D, j = e % D;
                float v = s.miuNew[j];
                if (i == sel) s.miuS[e] = v;
                s.miuOut[e] = i == sel ? v : 0.0f;
            }
            __syncthreads();
        }
        if (seqOut) {
            const float* Wo = blob + s.d[13];
            const float* bo = blob + s.d[14];
            for (int j = threadIdx.x; j < O; j += blockDim.x) {
                const float* w = Wo + (long long) j * (H + D);
                float acc = bo[j];
                for (int k = 0; k < H; k++) acc = fmaf(w[k], s.hn[k], acc);
                for (int k = 0; k < D; k++) acc = fmaf(w[H + k], s.rn[k], acc);
                seqOut[((long long) row * T + t) * O + j] = fminf(fmaxf(acc, -clip), clip);
            }
        }
        // Commit the step; with mask_flag a padded step resets all but the read vector, w_aggre, MIU outputs.
        bool reset = !real && mode == 1;
        for (int j = threadIdx.x; j < H; j += blockDim.x) s.h[j] = reset ? 0.0f : s.hn[j];
        for (int j = threadIdx.x; j < D; j += blockDim.x) s.r[j] = s.rn[j];
        for (int e = threadIdx.x; e < mD; e += blockDim.x) {
            s.M[e] = reset ? M0[e] : s.Mn[e];
            if (reset) { s.sumA[e] = 0.0f; s.miuS[e] = 0.0f; }
        }
        __syncthreads();
    }
    float* st = state + (long long) row * stateSize;
    for (int j = threadIdx.x; j < H; j += blockDim.x) st[j] = s.h[j];
    st += H;
    for (int j = threadIdx.x; j < D; j += blockDim.x) st[j] = s.r[j];
    st += D;
    for (int e = threadIdx.x; e < mD; e += blockDim.x) st[e] = s.M[e];
    st += mD;
    for (int i = threadIdx.x; i < m; i += blockDim.x) st[i] = s.wAgg[i];
    st += m;
    for (int e = threadIdx.x; e < mD; e += blockDim.x) st[e] = s.sumA[e];
    st += mD;
    if (miu) {
        for (int e = threadIdx.x; e < mD; e += blockDim.x) {
            st[e] = s.miuS[e];
            st[mD + e] = s.miuOut[e];
            if (miuOut) miuOut[(long long) row * mD + e] = s.miuOut[e];
        }
    }
    for (int j = threadIdx.x; j < D; j += blockDim.x) {
        float acc = 0.0f;
        for (int i = 0; i < m; i++) acc += s.sumA[i * D + j];
        meanOut[(long long) row * D + j] = acc / (float) m;
    }
}

// MIMN's read_out: one more controller and read step with each row's query as input, from its user's state
// (sMap, qMap: output row -> state row / query row, nullable); the write is discarded.
// out [rows, O] = clip(Wo·[h', r] + bo).
extern "C" __global__ void __launch_bounds__(128) ie_ntm_read(
        const float* __restrict__ query, const float* __restrict__ blob, const int* __restrict__ desc,
        const float* __restrict__ state, int stateSize, const int* __restrict__ sMap, const int* __restrict__ qMap,
        float* __restrict__ out, int rows, float clip) {
    __shared__ NtmShared s;
    int c = blockIdx.x;
    if (c >= rows) return;
    ntm_load_desc(s, blob, desc);
    int X = s.d[0], D = s.d[1], H = s.d[2], m = s.d[3], O = s.d[4];
    int mD = m * D;
    const float* st = state + (long long) (sMap ? sMap[c] : c) * stateSize;
    for (int j = threadIdx.x; j < H; j += blockDim.x) s.h[j] = st[j];
    for (int j = threadIdx.x; j < D; j += blockDim.x) s.r[j] = st[H + j];
    for (int e = threadIdx.x; e < mD; e += blockDim.x) s.M[e] = st[H + D + e];
    for (int i = threadIdx.x; i < m; i += blockDim.x) s.wAgg[i] = st[H + D + mD + i];
    __shared__ float xs[NTM_MAXX];
    const float* q = query + (long long) (qMap ? qMap[c] : c) * X;
    for (int j = threadIdx.x; j < X; j += blockDim.x) xs[j] = q[j];
    __syncthreads();
    ntm_controller(s, blob, xs, clip);
    ntm_address(s, s.par, blob + s.d[15], s.M, D, m, s.wr);
    for (int j = threadIdx.x; j < D; j += blockDim.x) {
        float acc = 0.0f;
        for (int i = 0; i < m; i++) acc += s.wr[i] * s.M[i * D + j];
        s.rn[j] = acc;
    }
    __syncthreads();
    const float* Wo = blob + s.d[13];
    const float* bo = blob + s.d[14];
    for (int j = threadIdx.x; j < O; j += blockDim.x) {
        const float* w = Wo + (long long) j * (H + D);
        float acc = bo[j];
        for (int k = 0; k < H; k++) acc = fmaf(w[k], s.hn[k], acc);
        for (int k = 0; k < D; k++) acc = fmaf(w[H + k], s.rn[k], acc);
        out[(long long) c * O + j] = fminf(fmaxf(acc, -clip), clip);
    }
}
